#!/usr/bin/perl
# Byte-exact TCP transfer for the integration tests (iperf3 reports what
# was counted when the test ended, not every byte that arrived, so it cannot
# prove a transfer complete). Uses only perl-base modules.
#
#   tcpxfer.pl server ADDR PORT        accept one connection, read to EOF,
#                                      check the content, print "BYTES ok|bad"
#   tcpxfer.pl client SADDR PORT CADDR BYTES
#                                      connect from CADDR, send BYTES, print BYTES
#
# The content is a fixed 64 KiB pseudo-random block repeated, so the server
# can check every byte without hashing (a corrupting data path is caught, not
# only a truncating one). IO::Socket::IP: IPv4 and IPv6 addresses.
use strict;
use warnings;
use IO::Socket::IP;

my $BLOCK_LEN = 65536;
my $block = '';
{
  my $x = 2463534242;    # xorshift32: deterministic, no module needed
  while (length($block) < $BLOCK_LEN) {
    $x ^= ($x << 13) & 0xffffffff; $x ^= $x >> 17; $x ^= ($x << 5) & 0xffffffff;
    $block .= pack('N', $x);
  }
}
my $twice = $block . $block;

my $mode = shift // die "usage: $0 server ADDR PORT | client SADDR PORT CADDR BYTES\n";
if ($mode eq 'server') {
  my ($addr, $port) = @ARGV;
  my $l = IO::Socket::IP->new(LocalAddr => $addr, LocalPort => $port, Listen => 1,
                                ReuseAddr => 1, Proto => 'tcp') or die "listen: $!\n";
  print STDERR "listening\n";
  my $c = $l->accept or die "accept: $!\n";
  my ($n, $ok, $buf) = (0, 1, '');
  while (1) {
    my $r = sysread($c, $buf, $BLOCK_LEN);
    die "read: $!\n" unless defined $r;
    last if $r == 0;
    $ok = 0 if $ok && $buf ne substr($twice, $n % $BLOCK_LEN, $r);
    $n += $r;
  }
  print "$n ", ($ok ? 'ok' : 'bad'), "\n";
} elsif ($mode eq 'client') {
  my ($saddr, $port, $caddr, $bytes) = @ARGV;
  my $s = IO::Socket::IP->new(PeerAddr => $saddr, PeerPort => $port, LocalAddr => $caddr,
                                Proto => 'tcp') or die "connect: $!\n";
  my $left = $bytes;
  my $off = 0;
  while ($left > 0) {
    my $len = $left < $BLOCK_LEN ? $left : $BLOCK_LEN;
    my $w = syswrite($s, $twice, $len, $off % $BLOCK_LEN);
    die "write: $!\n" unless defined $w;
    $left -= $w; $off += $w;
  }
  shutdown($s, 1);
  # Wait for the server to close: then every byte has been read.
  my $tmp;
  1 while sysread($s, $tmp, 1);
  print "$bytes\n";
} else {
  die "unknown mode $mode\n";
}
