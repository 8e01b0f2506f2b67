# fish completion for vmfrag(1)

function __vmfrag_columns
    vmfrag --list-columns --raw 2>/dev/null | awk 'NR > 1 {print $1}'
end

complete -c vmfrag -f
complete -c vmfrag -s z -l zone -x -a 'DMA DMA32 Normal Movable' -d 'only zones named ZONE, or NODE:ZONE'
complete -c vmfrag -s t -l types -d 'free blocks per migrate type (root)'
complete -c vmfrag -s J -l json -d 'JSON output'
complete -c vmfrag -s o -l output -x -a '(__vmfrag_columns)' -d 'columns of the per-order table'
complete -c vmfrag -l output-all -d 'every column'
complete -c vmfrag -l list-columns -d 'list the columns and exit'
complete -c vmfrag -s b -l bytes -d 'sizes in bytes'
complete -c vmfrag -s r -l raw -d 'unaligned tables'
complete -c vmfrag -s n -l noheadings -d 'no table headings'
complete -c vmfrag -s w -l watch -d 'print again every SECONDS (default 2)'
complete -c vmfrag -s c -l count -x -d 'with --watch, stop after N samples'
complete -c vmfrag -l sysroot -x -a '(__fish_complete_directories)' -d 'read /proc and /sys below DIR'
complete -c vmfrag -s h -l help -d 'show help and exit'
complete -c vmfrag -s V -l version -d 'show the version and exit'
