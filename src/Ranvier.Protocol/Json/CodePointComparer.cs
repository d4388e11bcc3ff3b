namespace Ranvier.Protocol.Json;

/// <summary>
/// Orders strings by Unicode code point, as canonical JSON sorts keys (spec: appendices, "Canonical JSON").
/// Ordinal UTF-16 order differs from code-point order once surrogate pairs (U+10000 and above) meet
/// characters in U+E000–U+FFFF: the surrogates D800–DFFF sort below E000 in UTF-16 but their code points sort above.
/// The fix-up below lifts surrogates above E000–FFFF at the first differing character; the result equals
/// the ordinal order of the UTF-8 encodings.
/// </summary>
public sealed class CodePointComparer : IComparer<string>
{
    public static readonly CodePointComparer Instance = new();

    private CodePointComparer()
    {
    }

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var length = Math.Min(x.Length, y.Length);
        var i = x.AsSpan(0, length).CommonPrefixLength(y.AsSpan(0, length));
        return i < length ? Weight(x[i]) - Weight(y[i]) : x.Length - y.Length;
    }

    // Surrogates (D800–DFFF) move to F800–FFFF; E000–FFFF move down to D800–F7FF; the rest stays.
    private static int Weight(char c) => c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
}
