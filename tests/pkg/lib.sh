# Shared by the package tests; source it after tests/bb/lib.sh.

# stage_install DIR UNITDIR: `make install` of the build tree into DIR with
# the packages' prefix and systemd unit directory: the reference file list.
stage_install() {
	make -s -C "$DT_BUILDDIR" install DESTDIR="$1" prefix=/usr \
		systemdsystemunitdir="$2" >"$T/install.out" 2>&1
}

# need_programs DIR: the packages hold the programs; while none is built
# (the programs land one by one), skip instead of failing.
need_programs() {
	for _f in "$1"/usr/bin/*; do
		[ -e "$_f" ] && return 0
	done
	skip_all "no program built yet: the packages need at least one in \$(bindir)"
}
