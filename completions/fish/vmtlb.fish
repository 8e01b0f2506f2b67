# fish completion for vmtlb(1)

function __vmtlb_columns
    vmtlb --list-columns --raw 2>/dev/null | awk 'NR > 1 {print $1}'
end

complete -c vmtlb -f -a '(__fish_complete_pids)'
complete -c vmtlb -s d -l duration -x -d 'measure over SECONDS'
complete -c vmtlb -s w -l watch -d 'measure again and again, over SECONDS each'
complete -c vmtlb -s c -l count -x -d 'with --watch, stop after N measurements'
complete -c vmtlb -l no-trace -d 'do not trace tlb:tlb_flush'
complete -c vmtlb -l no-perf -d 'do not count hardware TLB misses'
complete -c vmtlb -l top -x -d 'processes in the tlb_flush table'
complete -c vmtlb -s J -l json -d 'JSON output'
complete -c vmtlb -s o -l output -x -a '(__vmtlb_columns)' -d 'columns of the process table'
complete -c vmtlb -l output-all -d 'every column'
complete -c vmtlb -l list-columns -d 'list the columns and exit'
complete -c vmtlb -s b -l bytes -d 'sizes in bytes'
complete -c vmtlb -s r -l raw -d 'unaligned tables'
complete -c vmtlb -s n -l noheadings -d 'no table headings'
complete -c vmtlb -l sysroot -x -a '(__fish_complete_directories)' -d 'read /proc below DIR'
complete -c vmtlb -s h -l help -d 'show help and exit'
complete -c vmtlb -s V -l version -d 'show the version and exit'
