# STUB (ours, not xcat-core): loaded by xdsh.pm / DSHCLI.pm / SSH.pm; nothing of it runs on the
# xdsh path the product uses. Any call is logged to stderr (driver.log) and returns empty.
package xCAT::Zone;
use strict; use warnings;
our $AUTOLOAD;
sub AUTOLOAD { my $n = $AUTOLOAD; return if $n =~ /DESTROY$/; print STDERR "[realxcat stub] $n called\n"; return; }
1;
