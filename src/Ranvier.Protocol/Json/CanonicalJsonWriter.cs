using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Ranvier.Protocol.Json;

/// <summary>
/// Writes JSON in the canonical encoding (spec: appendices, "Canonical JSON" and its grammar): keys sorted
/// by code point, no insignificant whitespace, integers without exponent or fraction, strings escaped only
/// where the grammar demands (<c>\"</c>, <c>\\</c>, control characters), everything else as raw UTF-8.
/// One instance writes one value; it is a struct so that a call costs no allocation beyond the output.
/// </summary>
internal readonly struct CanonicalJsonWriter
{
    /// <summary>Recursion guard for values built in memory (parsed input is already limited more tightly).</summary>
    public const int MaxDepth = 512;

    /// <summary>The largest integer canonical JSON allows: 2^53 − 1; the smallest is its negation.</summary>
    public const long MaxSafeInteger = (1L << 53) - 1;

    private static readonly SearchValues<char> NeedsEscape = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f");

    private readonly IBufferWriter<byte> _output;
    private readonly bool _enforceIntegerRange;

    public CanonicalJsonWriter(IBufferWriter<byte> output, bool enforceIntegerRange)
    {
        _output = output;
        _enforceIntegerRange = enforceIntegerRange;
    }

    public void Write(JsonNode? node, int depth = 0)
    {
        switch (node)
        {
            case null:
                _output.Write("null"u8);
                break;
            case JsonObject obj:
                WriteObject(obj, depth + 1, default);
                break;
            case JsonArray array:
                CheckDepth(depth + 1);
                _output.Write("["u8);
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        _output.Write(","u8);
                    }

                    Write(array[i], depth + 1);
                }

                _output.Write("]"u8);
                break;
            case JsonValue value:
                WriteValue(value);
                break;
        }
    }

    public void Write(JsonElement element, int depth = 0)
    {
        var kind = element.ValueKind;
        switch (kind)
        {
            case JsonValueKind.Object:
                WriteObject(element, depth + 1);
                break;
            case JsonValueKind.Array:
                CheckDepth(depth + 1);
                _output.Write("["u8);
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        _output.Write(","u8);
                    }

                    first = false;
                    Write(item, depth + 1);
                }

                _output.Write("]"u8);
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!);
                break;
            case JsonValueKind.Number:
                if (element.TryGetInt64(out var integer))
                {
                    WriteInteger(integer);
                }
                else
                {
                    WriteNumberToken(JsonMarshal.GetRawUtf8Value(element));
                }

                break;
            case JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                WriteLiteral(kind);
                break;
            default:
                throw new CanonicalJsonException("An undefined JSON value cannot be written.");
        }
    }

    /// <summary>
    /// Writes an object leaving out some top-level keys (signatures, unsigned, hashes), so signing and
    /// hashing need neither a copy of the event nor a mutation of a possibly shared one.
    /// </summary>
    public void WriteObject(JsonObject obj, int depth, ReadOnlySpan<string> omit)
    {
        CheckDepth(depth);
        var members = new KeyValuePair<string, JsonNode?>[obj.Count];
        var n = 0;
        foreach (var member in obj)
        {
            if (!omit.Contains(member.Key))
            {
                members[n++] = member;
            }
        }

        members = n == members.Length ? members : members[..n];
        Array.Sort(members, static (a, b) => CodePointComparer.Instance.Compare(a.Key, b.Key));
        _output.Write("{"u8);
        for (var i = 0; i < members.Length; i++)
        {
            if (i > 0)
            {
                _output.Write(","u8);
            }

            WriteString(members[i].Key);
            _output.Write(":"u8);
            Write(members[i].Value, depth);
        }

        _output.Write("}"u8);
    }

    private void WriteObject(JsonElement obj, int depth)
    {
        CheckDepth(depth);
        var members = new List<JsonProperty>();
        foreach (var member in obj.EnumerateObject())
        {
            members.Add(member);
        }

        members.Sort(static (a, b) => CodePointComparer.Instance.Compare(a.Name, b.Name));
        _output.Write("{"u8);
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                if (members[i].Name == members[i - 1].Name)
                {
                    throw new CanonicalJsonException($"Duplicate key '{members[i].Name}'.");
                }

                _output.Write(","u8);
            }

            WriteString(members[i].Name);
            _output.Write(":"u8);
            Write(members[i].Value, depth);
        }

        _output.Write("}"u8);
    }

    private void WriteValue(JsonValue value)
    {
        var kind = value.GetValueKind();
        switch (kind)
        {
            case JsonValueKind.String:
                WriteString(value.GetValue<string>());
                break;
            case JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                WriteLiteral(kind);
                break;
            case JsonValueKind.Number:
                if (value.TryGetValue(out JsonElement element))
                {
                    Write(element);
                }
                else if (value.TryGetValue(out long integer))
                {
                    WriteInteger(integer);
                }
                else if (value.TryGetValue(out int small))
                {
                    WriteInteger(small);
                }
                else if (value.TryGetValue(out double real))
                {
                    WriteWholeNumber(real);
                }
                else
                {
                    // Other CLR number types (decimal, ulong …): go through their JSON text.
                    WriteNumberToken(System.Text.Encoding.UTF8.GetBytes(value.ToJsonString()));
                }

                break;
            default:
                throw new CanonicalJsonException($"A {value.GetValueKind()} value cannot be written as canonical JSON.");
        }
    }

    private void WriteLiteral(JsonValueKind kind) => _output.Write(kind switch
    {
        JsonValueKind.True => "true"u8,
        JsonValueKind.False => "false"u8,
        _ => "null"u8,
    });

    private void WriteInteger(long value)
    {
        if (_enforceIntegerRange && (value > MaxSafeInteger || value < -MaxSafeInteger))
        {
            throw new CanonicalJsonException($"The integer {value} is outside [-(2^53)+1, (2^53)-1].");
        }

        var span = _output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        _output.Advance(written);
    }

    // A number given as its JSON text: integers are kept (minus the sign of -0); values like 1e10 or 2.0
    // that are whole numbers are written as integers, as the spec's example shows; fractions are refused.
    private void WriteNumberToken(ReadOnlySpan<byte> token)
    {
        if (IsIntegerSyntax(token))
        {
            if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            {
                WriteInteger(integer);
                return;
            }

            if (_enforceIntegerRange)
            {
                throw new CanonicalJsonException("An integer is outside [-(2^53)+1, (2^53)-1].");
            }

            // Room versions 1-5 may hold integers beyond 64 bits: keep their digits as sent.
            _output.Write(token);
            return;
        }

        WriteWholeNumber(double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) ? real : double.NaN);
    }

    private void WriteWholeNumber(double real)
    {
        if (!double.IsFinite(real) || Math.Floor(real) != real || Math.Abs(real) >= 9.2e18)
        {
            throw new CanonicalJsonException("Floating-point numbers are not allowed in canonical JSON.");
        }

        WriteInteger((long)real);
    }

    private void WriteString(string text)
    {
        _output.Write("\""u8);
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var run = rest.IndexOfAny(NeedsEscape);
            var plain = run < 0 ? rest : rest[..run];
            WriteUtf8(plain);
            if (run < 0)
            {
                break;
            }

            WriteEscape(rest[run]);
            rest = rest[(run + 1)..];
        }

        _output.Write("\""u8);
    }

    private void WriteUtf8(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var chunk = text.Length > 4096 ? text[..4096] : text;
            if (char.IsHighSurrogate(chunk[^1]) && chunk.Length < text.Length)
            {
                chunk = chunk[..^1]; // keep a surrogate pair within one chunk
            }

            var span = _output.GetSpan(chunk.Length * 3);
            if (Utf8.FromUtf16(chunk, span, out var read, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
            {
                throw new CanonicalJsonException("A string contains an unpaired surrogate, which UTF-8 cannot encode.");
            }

            _output.Advance(written);
            text = text[read..];
        }
    }

    private void WriteEscape(char c)
    {
        ReadOnlySpan<byte> escape = c switch
        {
            '"' => "\\\""u8,
            '\\' => "\\\\"u8,
            '\b' => "\\b"u8,
            '\t' => "\\t"u8,
            '\n' => "\\n"u8,
            '\f' => "\\f"u8,
            '\r' => "\\r"u8,
            _ => default,
        };
        if (!escape.IsEmpty)
        {
            _output.Write(escape);
            return;
        }

        // Other control characters: \u00XX with lower-case hex digits, per the grammar.
        const string Hex = "0123456789abcdef";
        var span = _output.GetSpan(6);
        "\\u00"u8.CopyTo(span);
        span[4] = (byte)Hex[c >> 4];
        span[5] = (byte)Hex[c & 0xF];
        _output.Advance(6);
    }

    private static void CheckDepth(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new CanonicalJsonException($"JSON nested deeper than {MaxDepth} levels cannot be written.");
        }
    }

    /// <summary>RFC 8259 integer syntax: an optional minus and digits, with no fraction or exponent.</summary>
    internal static bool IsIntegerSyntax(ReadOnlySpan<byte> token)
    {
        var digits = token.Length > 0 && token[0] == (byte)'-' ? token[1..] : token;
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }
}
