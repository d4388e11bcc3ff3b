using System.Diagnostics.CodeAnalysis;

namespace Ranvier.Protocol.Identifiers;

/// <summary>
/// A device ID. The spec leaves device IDs opaque; Ranvier accepts 1–255 characters with no NUL, no
/// unpaired surrogate and no control characters, since device IDs appear in key IDs and URLs.
/// </summary>
public readonly record struct DeviceId : IParsable<DeviceId>
{
    public const int MaxLength = 255;

    private DeviceId(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse([NotNullWhen(true)] string? value, out DeviceId result) => TryParse(value, out result, out _);

    public static bool TryParse([NotNullWhen(true)] string? value, out DeviceId result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            error = "device ID must be 1-255 characters";
            return false;
        }

        if (value.Any(char.IsControl) || IdentifierGrammar.HasLoneSurrogate(value))
        {
            error = "device ID may not contain control characters or unpaired surrogates";
            return false;
        }

        result = new DeviceId(value);
        error = null;
        return true;
    }

    public static DeviceId Parse(string value) =>
        TryParse(value, out var result, out var error) ? result : throw new FormatException($"Invalid device ID '{value}': {error}.");

    static DeviceId IParsable<DeviceId>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<DeviceId>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out DeviceId result) =>
        TryParse(s, out result);

    public override string ToString() => Value ?? string.Empty;
}
