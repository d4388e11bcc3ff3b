using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Json;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.Auth;

/// <summary>
/// Reads one power-level value as the room version allows it. From v10 only JSON integers (rooms/v10,
/// "Values in m.room.power_levels events must be integers"). Before v10 also strings holding a base-10 integer
/// with optional sign, leading zeros and surrounding whitespace (rooms/fragments/v1-stringy-power-levels), and
/// in v1–v5, which do not enforce canonical JSON, floats truncated towards zero
/// (rooms/fragments/v1-floaty-power-levels).
/// </summary>
internal static class PowerLevelValue
{
    public static bool TryRead(JsonNode? node, RoomVersion version, out long value)
    {
        value = 0;
        if (node is not JsonValue json)
        {
            return false;
        }

        switch (json.GetValueKind())
        {
            case JsonValueKind.Number:
                if (JsonNodeValues.TryGetInt64(json, out value))
                {
                    return true;
                }

                return !version.StrictCanonicalJson && TryTruncate(json, out value);
            case JsonValueKind.String when !version.IntegerPowerLevels:
                return TryParseString(json.GetValue<string>(), out value);
            default:
                return false;
        }
    }

    // A number that is not an integer (1.5, 1e2): truncated when it is a finite double inside the long range.
    private static bool TryTruncate(JsonValue json, out long value)
    {
        value = 0;
        if (!double.TryParse(json.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
        {
            return false;
        }

        var truncated = Math.Truncate(d);
        if (truncated is < long.MinValue or >= 9.2233720368547758E18)
        {
            return false;
        }

        value = (long)truncated;
        return true;
    }

    /// <summary>The stringy-integer grammar: whitespace, one optional sign, one or more ASCII digits, whitespace.</summary>
    internal static bool TryParseString(string text, out long value)
    {
        value = 0;
        var s = text.AsSpan().Trim();
        var negative = false;
        if (s.Length > 0 && s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s.IsEmpty)
        {
            return false;
        }

        long magnitude = 0;
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            // Accumulate negatively so long.MinValue itself parses; anything beyond the range is not a level.
            try
            {
                magnitude = checked((magnitude * 10) - (c - '0'));
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        if (!negative)
        {
            if (magnitude == long.MinValue)
            {
                return false;
            }

            magnitude = -magnitude;
        }

        value = magnitude;
        return true;
    }
}
