# fish completion for vmslab(1)

function __vmslab_columns
    vmslab --list-columns --raw 2>/dev/null | awk 'NR > 1 {print $1}'
end

complete -c vmslab -f
complete -c vmslab -s s -l sort -x -a '(__vmslab_columns) a b c l v n o p s u' -d 'order by a column or a slabtop letter'
complete -c vmslab -l reverse -d 'reverse the order'
complete -c vmslab -l top -x -d 'only the first N caches'
complete -c vmslab -l nodes -d 'slabs and objects per NUMA node'
complete -c vmslab -l source -x -a 'kmod slabinfo sysfs' -d 'take the figures from vmscope.ko, slabinfo or sysfs'
complete -c vmslab -s J -l json -d 'JSON output'
complete -c vmslab -s o -l output -x -a '(__vmslab_columns)' -d 'columns to show (with --slabtop: once)'
complete -c vmslab -l output-all -d 'every column'
complete -c vmslab -l list-columns -d 'list the columns and exit'
complete -c vmslab -s b -l bytes -d 'sizes in bytes'
complete -c vmslab -s r -l raw -d 'unaligned tables'
complete -c vmslab -s n -l noheadings -d 'no headings and no summary'
complete -c vmslab -s w -l watch -d 'print again every SECONDS with growth'
complete -c vmslab -s c -l count -x -d 'with --watch, stop after N samples'
complete -c vmslab -l sysroot -x -a '(__fish_complete_directories)' -d 'read /proc and /sys below DIR'
complete -c vmslab -l slabtop -d 'the view of slabtop -o'
complete -c vmslab -l once -d 'with --slabtop: print once and exit'
complete -c vmslab -s d -l delay -x -d 'with --slabtop: print again every SECONDS'
complete -c vmslab -s h -l help -d 'show help and exit'
complete -c vmslab -s V -l version -d 'show the version and exit'
