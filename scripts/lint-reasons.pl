# lint-reasons.pl — the error reasons: every error site in src/ gives a reason of the
# right shape, and web/i18n/errors.json translates exactly the reasons src/ uses.
#
# Fails on:
# - a call of qg_fail, or of a function that forwards a reason (the table below), whose
#   reason argument is not a string literal of dotted lower-case words
#   ("iin.check_digit": [a-z][a-z0-9_]* twice or more, joined by dots);
# - a call of qg_fail_at or api_fail_new_at (the forwarders' own entry points) whose
#   reason is not the forwarder's parameter `reason` (or the reason of another qg_error);
# - a reason used in src/ without a non-empty sentence in each of "kk", "ru" and "en" of
#   web/i18n/errors.json (key "errors." + reason);
# - a key of errors.json that no error site in src/ uses (a stale sentence).
# The compiler already refuses a qg_fail without a reason or with a non-literal one
# (qg_fail is a macro that pastes the reason between two empty literals).
#
# Usage: perl scripts/lint-reasons.pl ROOT FILE... (files relative to ROOT; the ones
# under src/ are read). tests/lint/reasons.sh tests this script.
use strict;
use warnings;
use JSON::PP;

my ($root, @files) = @ARGV;
my $status = 0;
sub fail { print STDERR "lint-reasons: @_\n"; $status = 1; }

# Function => index (from 0) of its reason argument.
my %reason_arg = (
    qg_fail => 3, api_fail_new => 3, fail_item => 2, send_invalid => 2, reader_fail => 3,
    api_path_number => 2, path_id => 3, api_with_case_record_body => 2,
    qg_fail_at => 3, api_fail_new_at => 3,
);
my %forwarder_entry = (qg_fail_at => 1, api_fail_new_at => 1);
my $shape = qr/^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;

# The top-level arguments of the call whose '(' is at $pos in $text.
sub call_args {
    my ($text, $pos) = @_;
    my ($depth, $cur, @args) = (0, '');
    my $i = $pos;
    while ($i < length $text) {
        my $c = substr($text, $i, 1);
        if ($c eq '"' || $c eq "'") {
            my $q = $c;
            my $j = $i + 1;
            $j += substr($text, $j, 1) eq '\\' ? 2 : 1 while $j < length $text && substr($text, $j, 1) ne $q;
            $cur .= substr($text, $i, $j - $i + 1) if $depth > 0;
            $i = $j + 1;
            next;
        }
        if ($c =~ /[(\[{]/) {
            $cur .= $c if $depth++ > 0;
        } elsif ($c =~ /[)\]}]/) {
            last if --$depth == 0;
            $cur .= $c;
        } elsif ($c eq ',' && $depth == 1) {
            push @args, $cur;
            $cur = '';
        } else {
            $cur .= $c if $depth > 0;
        }
        $i++;
    }
    push @args, $cur;
    s/^\s+|\s+$//gs for @args;
    return @args;
}

my %used; # reason => "file:line" of its first use
my $names = join '|', sort keys %reason_arg;
for my $f (grep { m{^src/.*\.[ch]$} } @files) {
    open(my $fh, '<', "$root/$f") or do { fail("$f: cannot read: $!"); next };
    local $/;
    my $text = <$fh>;
    close $fh;
    # Comments and #define lines (the macros' own bodies) out, line numbers kept.
    $text =~ s{/\*.*?\*/|^[ \t]*#[ \t]*define(?:[^\n]*\\\n)*[^\n]*}{ my $c = $&; $c =~ s/[^\n]/ /g; $c }gsme;
    while ($text =~ /(?<![\w.>])($names)\s*\(/g) {
        my ($name, $open) = ($1, $+[0] - 1);
        my $line = 1 + (substr($text, 0, $open) =~ tr/\n//);
        my $before = substr($text, 0, $-[0]);
        # A definition or declaration (a type before the name) or the macro itself.
        next if $before =~ /(?:\b(?:qg_code|bool|void|int|static)\s*\*?\s*|#define\s+)$/;
        my @args = call_args($text, $open);
        my $r = $args[$reason_arg{$name}];
        next if defined $r && $r =~ /^(?:const\s+)?char\s*\*/; # a declaration
        if (!defined $r) {
            fail("$f:$line: $name has no reason argument");
        } elsif ($forwarder_entry{$name}) {
            fail("$f:$line: $name forwards a reason given to it (a parameter named reason);"
                 . " call qg_fail with a literal reason instead")
                unless $r =~ /^(?:reason|\w+(?:\.|->)reason)$/;
        } elsif ($r eq 'reason' && $before =~ /\breason\b[^;{}]*\)\s*\{[^}]*$/s) {
            # a forwarder passing its own parameter on
        } elsif ($r =~ /^"([^"\\]*)"$/) {
            my $reason = $1;
            if ($reason !~ $shape) {
                fail("$f:$line: reason \"$reason\" is not dotted lower-case words"
                     . " such as \"iin.check_digit\"");
            } else {
                $used{$reason} //= "$f:$line";
            }
        } else {
            fail("$f:$line: the reason of $name must be a string literal such as"
                 . " \"iin.check_digit\", not $r");
        }
    }
    # Reasons given in an answer's extra object: json_pack(..., "reason", "account.pending").
    while ($text =~ /"reason",\s*"([a-z][a-z0-9_.]*)"/g) {
        my ($reason, $line) = ($1, 1 + (substr($text, 0, $-[0]) =~ tr/\n//));
        $used{$reason} //= "$f:$line" if $reason =~ $shape;
    }
}

my $cat_path = "$root/web/i18n/errors.json";
open(my $ch, '<:raw', $cat_path) or do { fail("web/i18n/errors.json: cannot read: $!"); exit 1 };
my $cat = eval { local $/; JSON::PP->new->utf8->decode(<$ch>) };
close $ch;
fail("web/i18n/errors.json: not a JSON object of kk, ru and en: " . ($@ || 'wrong shape'))
    unless ref $cat eq 'HASH';
exit 1 unless ref $cat eq 'HASH';
for my $lang (qw(kk ru en)) {
    my $m = $cat->{$lang};
    if (ref $m ne 'HASH') { fail("web/i18n/errors.json: no \"$lang\" object"); next }
    for my $reason (sort keys %used) {
        my $v = $m->{"errors.$reason"};
        fail("$used{$reason}: reason $reason has no \"$lang\" sentence in web/i18n/errors.json"
             . " (key errors.$reason)") unless defined $v && !ref $v && $v =~ /\S/;
    }
    for my $key (sort keys %$m) {
        next if $key =~ /^errors\.general\./;  # the web's fallbacks, not reasons
        (my $reason = $key) =~ s/^errors\.//;
        fail("web/i18n/errors.json: \"$lang\" key $key is not errors.<a reason>")
            if $key !~ /^errors\./;
        fail("web/i18n/errors.json: \"$lang\" has $key, a reason no error site in src/ uses")
            if $key =~ /^errors\./ && !$used{$reason};
    }
}
printf "lint-reasons: %d reasons, each with kk, ru and en\n", scalar keys %used if !$status && !$ENV{QUIET};
exit $status;
