# bash completion for umlnet (subcommands, options, topology files) and uml_switch (options).
# Installed as share/bash-completion/completions/umlnet, with uml_switch a link to it, so that
# bash-completion loads it on the first <Tab> after either name.

_umlnet()
{
	local cur prev i cmd=""
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	# The subcommand is the first word that is neither an option nor an option's value.
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-s|-n|--state|--network|--jobs|--timeout|--guest-user) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	case $prev in
	-s|--state) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	-n|--network|--jobs|--timeout|--guest-user|--host) COMPREPLY=(); return ;;
	esac
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-s -n -j -q -h --state --network --json --jobs --timeout
				--quiet --guest-user --help --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "up down status attach detach exec graph check demo
				host-up host-down lstart lclean lhalt linfo lcheck lcapture ltest help" -- "$cur"))
		fi
		return
	fi
	case $cmd in
	up) if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--host" -- "$cur"))
	    else COMPREPLY=($(compgen -f -- "$cur")); fi ;;
	check|graph|host-up|host-down) COMPREPLY=($(compgen -f -- "$cur")) ;;
	status) COMPREPLY=($(compgen -W "-j --json" -- "$cur")) ;;
	lstart|lclean|lhalt|linfo|lcheck|ltest|lcapture)
		if [[ ${COMP_WORDS[COMP_CWORD-1]} == -d ]]; then
			COMPREPLY=($(compgen -d -- "$cur"))
		else
			COMPREPLY=($(compgen -W "-d" -- "$cur"))
		fi ;;
	*) COMPREPLY=() ;;
	esac
}
complete -F _umlnet umlnet

_uml_switch()
{
	local cur=${COMP_WORDS[COMP_CWORD]}
	case ${COMP_WORDS[COMP_CWORD-1]} in
	-unix|-pcap|-mgmt|-bess) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	esac
	COMPREPLY=($(compgen -W "-unix -hub -tap -compat-v0 -daemon -bess -mgmt -pcap -mode -group
		-ports -macs -age -spin -port -limit -v -q -h -help -version --help --version" -- "$cur"))
}
complete -F _uml_switch uml_switch
