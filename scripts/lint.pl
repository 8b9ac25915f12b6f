# lint.pl — the checks of scripts/lint.sh (which gives it the root, the object folder
# and the C files to check; see there for the rules). Perl only because it counts
# UTF-8 characters and walks the call graph in a few lines; perl-base is part of every
# Debian system.
use strict;
use warnings;

my ($root, $objdir, @files) = @ARGV;
my $status = 0;
my $max_lines = 800;
my $max_cols = 100;
my $banned = qr/\b(sprintf|vsprintf|strcpy|strcat|strncpy|strncat|gets|atoi|atol|atoll|strtok
                  |strtok_r|gmtime|localtime|ctime|asctime|rand|tmpnam)\s*\(/x;

sub fail { print STDERR "lint: @_\n"; $status = 1; }

# A line is excused from a rule by a marker giving a reason: /* lint-ok: why */.
sub excused { return $_[0] =~ m{/\*\s*lint-ok:\s*(?!\*/)\S.*?\*/}; }

my %lines_of; # file => [lines], for the circle check's markers

for my $f (@files) {
    open(my $fh, '<:encoding(UTF-8)', "$root/$f") or do { fail("$f: cannot read: $!"); next };
    my @lines = <$fh>;
    close $fh;
    chomp @lines;
    $lines_of{$f} = \@lines;
    my $in_src = $f =~ m{^src/};
    fail("$f: does not start with a comment saying what it is for")
        unless @lines && $lines[0] =~ m{^/\*};
    fail("$f: $max_lines lines at most in src/ (it has " . scalar(@lines) . "); split it")
        if $in_src && $f =~ /\.c$/ && @lines > $max_lines && !excused($lines[0]);
    for my $i (0 .. $#lines) {
        my $l = $lines[$i];
        my $n = $i + 1;
        if ($l =~ /lint-ok/ && !excused($l)) {
            fail("$f:$n: a lint-ok marker must give its reason: /* lint-ok: why */");
            next;
        }
        next if excused($l);
        fail("$f:$n: banned function $1 (use snprintf, memcpy with bounds, strtol, gmtime_r, "
             . "localtime_r, randombytes, mkstemp ...)") if $l =~ $banned;
        fail("$f:$n: longer than $max_cols columns (" . length($l) . ")")
            if $in_src && length($l) > $max_cols;
    }
}

# ---- circles: which object uses which (nm: defined and undefined global symbols) ----

sub objects_under {
    my ($dir) = @_;
    my @out;
    opendir(my $dh, $dir) or return ();
    for my $e (sort readdir $dh) {
        next if $e =~ /^\./;
        my $p = "$dir/$e";
        push @out, -d $p ? objects_under($p) : $e =~ /\.o$/ ? $p : ();
    }
    closedir $dh;
    return @out;
}

# Only objects of sources that exist: one left behind by a deleted file is not code.
my %is_source = map { $_ => 1 } @files;
my @objects = grep {
    (my $src = $_) =~ s{^\Q$objdir\E/}{};
    $src =~ s/\.o$/.c/;
    $src =~ m{^src/} && $is_source{$src}
} objects_under($objdir);
if (!@objects) {
    fail("no objects under $objdir/src: build them first (make lint does)");
    exit $status;
}

my (%defines, %uses); # symbol => file; file => {symbol => 1}
for my $o (@objects) {
    (my $src = $o) =~ s{^\Q$objdir\E/}{};
    $src =~ s/\.o$/.c/;
    open(my $nm, '-|', 'nm', '-P', $o) or die "nm: $!";
    while (<$nm>) {
        my ($sym, $type) = split;
        next unless defined $type;
        if ($type eq 'U') {
            $uses{$src}{$sym} = 1;
        } elsif ($type =~ /^[TDBRGSCVW]$/) {
            $defines{$sym} = $src;
        }
    }
    close $nm;
}

# A use of sym in from is excused when every line of from naming sym carries a marker.
sub use_excused {
    my ($from, $sym) = @_;
    my $lines = $lines_of{$from} or return 0;
    my @naming = grep { /\b\Q$sym\E\b/ } @$lines;
    return @naming && !grep { !excused($_) } @naming;
}

my %edge; # from => to => [symbols]
for my $from (sort keys %uses) {
    for my $sym (sort keys %{ $uses{$from} }) {
        my $to = $defines{$sym};
        next if !defined $to || $to eq $from || use_excused($from, $sym);
        push @{ $edge{$from}{$to} }, $sym;
    }
}

# Tarjan's strongly connected components: each with more than one file is a circle.
my ($index, @stack, %idx, %low, %on, @circles) = (0);
sub visit {
    my ($v) = @_;
    $idx{$v} = $low{$v} = $index++;
    push @stack, $v;
    $on{$v} = 1;
    for my $w (sort keys %{ $edge{$v} || {} }) {
        if (!defined $idx{$w}) {
            visit($w);
            $low{$v} = $low{$w} if $low{$w} < $low{$v};
        } elsif ($on{$w}) {
            $low{$v} = $idx{$w} if $idx{$w} < $low{$v};
        }
    }
    return if $low{$v} != $idx{$v};
    my @scc;
    while (1) {
        my $w = pop @stack;
        $on{$w} = 0;
        push @scc, $w;
        last if $w eq $v;
    }
    push @circles, [sort @scc] if @scc > 1;
}
visit($_) for grep { !defined $idx{$_} } sort keys %edge;

for my $c (@circles) {
    my %in = map { $_ => 1 } @$c;
    fail("call circle between " . join(', ', @$c) . ":");
    for my $from (@$c) {
        for my $to (sort grep { $in{$_} } keys %{ $edge{$from} || {} }) {
            print STDERR "    $from -> $to: " . join(', ', @{ $edge{$from}{$to} }) . "\n";
        }
    }
}

exit $status;
