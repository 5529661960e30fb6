#!/bin/sh
. "$DT_SRCDIR/tests/bb/lib.sh"
done_testing
