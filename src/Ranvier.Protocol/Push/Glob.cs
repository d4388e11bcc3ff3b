namespace Ranvier.Protocol.Push;

/// <summary>
/// A compiled glob (spec: appendices "Glob-style matching": <c>*</c> is any run of characters, <c>?</c> exactly one),
/// matched case-insensitively as push rules require. Matching simulates the pattern's automaton over the value, so it
/// costs O(value × pattern) whatever the pattern: a hostile rule cannot make it backtrack exponentially.
/// </summary>
public sealed class Glob
{
    private const int AnyOne = -1;
    private const int AnyRun = -2;

    // The pattern as tokens: AnyOne, AnyRun (runs of * collapsed into one) or a literal character, upper-cased invariantly.
    private readonly int[] _tokens;

    // No * or ?: matched by comparing characters at each possible start, without the automaton.
    private readonly bool _literal;

    private Glob(int[] tokens)
    {
        _tokens = tokens;
        _literal = !tokens.Contains(AnyOne) && !tokens.Contains(AnyRun);
    }

    /// <summary>The glob <paramref name="pattern"/>.</summary>
    public static Glob Compile(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var tokens = new List<int>(pattern.Length);
        foreach (var c in pattern)
        {
            var token = c switch
            {
                '*' => AnyRun,
                '?' => AnyOne,
                _ => Fold(c),
            };
            if (token == AnyRun && tokens.Count > 0 && tokens[^1] == AnyRun)
            {
                continue;
            }

            tokens.Add(token);
        }

        return new Glob([.. tokens]);
    }

    /// <summary>A pattern that matches <paramref name="text"/> literally (its <c>*</c> and <c>?</c> are plain characters).</summary>
    public static Glob Literal(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Glob([.. text.Select(c => (int)Fold(c))]);
    }

    /// <summary>Whether the whole of <paramref name="value"/> matches.</summary>
    public bool IsMatch(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Run(value, wordBounded: false);
    }

    /// <summary>
    /// Whether some substring of <paramref name="value"/> that starts and ends at a word boundary matches (spec:
    /// <c>event_match</c> on <c>content.body</c>, content rules). A boundary is the start or end of the value or any
    /// character outside <c>[A-Za-z0-9_]</c>; a substring may start or end on such a character itself.
    /// </summary>
    public bool MatchesWord(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Run(value, wordBounded: true);
    }

    /// <summary>Whether <paramref name="c"/> is a word character for push rules: <c>[A-Za-z0-9_]</c>.</summary>
    public static bool IsWordCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static char Fold(char c) => char.ToUpperInvariant(c);

    // The set of automaton states (how many tokens are consumed) is a bit set over 0..m; each character of the value
    // moves every live state at once. In word mode a new match may begin at every boundary, and a match is accepted
    // only where it may end.
    private bool Run(string value, bool wordBounded) =>
        !_literal ? RunAutomaton(value, wordBounded)
        : wordBounded ? FindLiteralWord(value)
        : IsLiteral(value);

    /// <summary>The general matcher, which literals skip (internal so tests can hold the two side by side).</summary>
    internal bool RunAutomaton(string value, bool wordBounded)
    {
        var m = _tokens.Length;
        var words = (m + 1 + 63) / 64;
        Span<ulong> live = words <= 8 ? stackalloc ulong[words] : new ulong[words];
        Span<ulong> next = words <= 8 ? stackalloc ulong[words] : new ulong[words];
        live.Clear();
        if (!wordBounded || CanStartAt(value, 0))
        {
            Set(live, 0);
        }

        Close(live);
        if (wordBounded && Has(live, m) && CanEndAt(value, 0))
        {
            return true;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = Fold(value[i]);
            next.Clear();
            var any = false;
            for (var state = 0; state < m; state++)
            {
                if (!Has(live, state))
                {
                    continue;
                }

                var token = _tokens[state];
                if (token == AnyRun)
                {
                    Set(next, state);
                    any = true;
                }
                else if (token == AnyOne || token == c)
                {
                    Set(next, state + 1);
                    any = true;
                }
            }

            if (wordBounded && CanStartAt(value, i + 1))
            {
                Set(next, 0);
                any = true;
            }

            if (!any && !wordBounded)
            {
                return false;
            }

            Close(next);
            next.CopyTo(live);
            if (wordBounded && Has(live, m) && CanEndAt(value, i + 1))
            {
                return true;
            }
        }

        return !wordBounded && Has(live, m);
    }

    private bool IsLiteral(string value)
    {
        if (value.Length != _tokens.Length)
        {
            return false;
        }

        return LiteralAt(value, 0);
    }

    // Where the literal may start and end at boundaries, the same matches the automaton accepts in word mode.
    private bool FindLiteralWord(string value)
    {
        var m = _tokens.Length;
        for (var start = 0; start + m <= value.Length; start++)
        {
            if (CanStartAt(value, start) && LiteralAt(value, start) && CanEndAt(value, start + m))
            {
                return true;
            }
        }

        return false;
    }

    private bool LiteralAt(string value, int start)
    {
        for (var k = 0; k < _tokens.Length; k++)
        {
            if (Fold(value[start + k]) != _tokens[k])
            {
                return false;
            }
        }

        return true;
    }

    // A * may match nothing: a state before a * also stands after it.
    private void Close(Span<ulong> states)
    {
        for (var state = 0; state < _tokens.Length; state++)
        {
            if (_tokens[state] == AnyRun && Has(states, state))
            {
                Set(states, state + 1);
            }
        }
    }

    // A match may start at position i when i is the start, follows a non-word character, or is itself one.
    private static bool CanStartAt(string value, int i) =>
        i == 0 || !IsWordCharacter(value[i - 1]) || (i < value.Length && !IsWordCharacter(value[i]));

    // A match may end before position i when i is the end, precedes a non-word character, or ends on one.
    private static bool CanEndAt(string value, int i) =>
        i == value.Length || !IsWordCharacter(value[i]) || (i > 0 && !IsWordCharacter(value[i - 1]));

    private static bool Has(ReadOnlySpan<ulong> set, int bit) => (set[bit >> 6] & (1UL << (bit & 63))) != 0;

    private static void Set(Span<ulong> set, int bit) => set[bit >> 6] |= 1UL << (bit & 63);
}
