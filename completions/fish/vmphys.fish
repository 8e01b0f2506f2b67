# fish completion for vmphys(1)

function __vmphys_columns
    vmphys --list-columns --raw 2>/dev/null | awk 'NR > 1 {print $1}'
end

complete -c vmphys -f -a '(__fish_complete_pids)'
complete -c vmphys -s l -l runs -d 'one row per run of contiguous pages'
complete -c vmphys -s P -l pfn -d 'the arguments are frame numbers'
complete -c vmphys -s s -l summary -d 'pages by combination of flags'
complete -c vmphys -s w -l walk -d 'page-table entries, PGD to PTE (vmscope.ko)'
complete -c vmphys -s J -l json -d 'JSON output'
complete -c vmphys -s o -l output -x -a '(__vmphys_columns)' -d 'columns to show'
complete -c vmphys -l output-all -d 'every column'
complete -c vmphys -l list-columns -d 'list the columns and exit'
complete -c vmphys -s b -l bytes -d 'sizes in bytes'
complete -c vmphys -l raw -d 'unaligned output'
complete -c vmphys -s n -l noheadings -d 'no column headings'
complete -c vmphys -l sysroot -x -a '(__fish_complete_directories)' -d 'read /proc and /sys below DIR'
complete -c vmphys -s h -l help -d 'show help and exit'
complete -c vmphys -s V -l version -d 'show the version and exit'
