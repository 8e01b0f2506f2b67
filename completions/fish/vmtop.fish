# fish completion for vmtop(1)

function __vmtop_columns
    vmtop --list-columns --raw 2>/dev/null | awk 'NR > 1 {print $1}'
end

complete -c vmtop -f
complete -c vmtop -s o -l output -x -a '(__vmtop_columns)' -d 'columns to show'
complete -c vmtop -l output-all -d 'every column'
complete -c vmtop -l list-columns -d 'list the columns and exit'
complete -c vmtop -s s -l sort -x -a '(__vmtop_columns)' -d 'order by a column'
complete -c vmtop -l reverse -d 'reverse the order'
complete -c vmtop -s p -l pid -x -a '(__fish_complete_pids)' -d 'only these processes'
complete -c vmtop -s U -l user -x -a '(__fish_complete_users)' -d 'only processes of these users'
complete -c vmtop -s c -l command -x -d 'only commands matching a regex'
complete -c vmtop -s k -l kernel-threads -d 'include kernel threads'
complete -c vmtop -s u -l per-user -d 'one row per user'
complete -c vmtop -s P -l per-program -d 'one row per executable'
complete -c vmtop -s t -l totals -d 'a total line and the system memory'
complete -c vmtop -s w -l watch -d 'refresh every SECONDS (1)'
complete -c vmtop -s n -l count -x -d 'stop after COUNT samples'
complete -c vmtop -l refresh -x -d 'read idle processes PSS at least every SECONDS (10)'
complete -c vmtop -s J -l json -d 'JSON output'
complete -c vmtop -l openmetrics -r -F -d 'OpenMetrics text, to stdout or FILE'
complete -c vmtop -s b -l bytes -d 'sizes in bytes'
complete -c vmtop -l raw -d 'unaligned table'
complete -c vmtop -l noheadings -d 'no header line'
complete -c vmtop -s h -l help -d 'show help and exit'
complete -c vmtop -s V -l version -d 'show the version and exit'
