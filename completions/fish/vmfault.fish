# fish completion for vmfault(1)

complete -c vmfault -f -a '(__fish_complete_pids)'
complete -c vmfault -s i -l interval -x -d 'length of a sample (seconds)'
complete -c vmfault -s n -l count -x -d 'number of samples'
complete -c vmfault -s a -l attribute -d 'record where the faults happen'
complete -c vmfault -s N -l top -x -d 'rows of each attribution table'
complete -c vmfault -s J -l json -d 'JSON output'
complete -c vmfault -l raw -d 'unaligned tables'
complete -c vmfault -l noheadings -d 'no header lines'
complete -c vmfault -s h -l help -d 'show help and exit'
complete -c vmfault -s V -l version -d 'show the version and exit'
