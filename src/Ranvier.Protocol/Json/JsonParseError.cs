namespace Ranvier.Protocol.Json;

/// <summary>Why untrusted JSON was refused.</summary>
public enum JsonParseErrorKind
{
    /// <summary>The bytes are not valid UTF-8.</summary>
    InvalidUtf8,

    /// <summary>Not well-formed JSON (RFC 8259), including trailing data and comments.</summary>
    Syntax,

    /// <summary>The top-level value is not an object.</summary>
    NotAnObject,

    /// <summary>An object names the same key twice.</summary>
    DuplicateKey,

    /// <summary>Objects and arrays nest deeper than the configured limit.</summary>
    TooDeep,

    /// <summary>A number has a fraction or exponent (strict mode).</summary>
    NotAnInteger,

    /// <summary>An integer lies outside [-(2^53)+1, (2^53)-1] (strict mode).</summary>
    IntegerOutOfRange,

    /// <summary>A string escapes an unpaired UTF-16 surrogate (<c>"\ud800"</c>).</summary>
    LoneSurrogate,
}

/// <summary>A refused JSON document: what was wrong and the byte offset where it was found.</summary>
public sealed record JsonParseError(JsonParseErrorKind Kind, string Message, long BytePosition)
{
    public override string ToString() => $"{Kind} at byte {BytePosition}: {Message}";
}
