using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Ranvier.Protocol.Json;

namespace Ranvier.Protocol.Tests.Json;

/// <summary>Generated JSON trees, with keys drawn to stress code-point ordering and escaping.</summary>
public class CanonicalJsonPropertyTests
{
    // Pieces that make keys and strings interesting: ASCII, escapes, BMP above the surrogates, astral pairs.
    private static readonly string[] Pieces = ["a", "b", "Z", "0", "\"", "\\", "\n", "\u0001", "/", "é", "\u2028", "日", "\uE000", "\uFFFD", "\U0001F600", "\U00010000"];

    private static readonly Gen<string> Text =
        Gen.Elements(Pieces).ListOf(4).Select(parts => string.Concat(parts));

    private static readonly Gen<JsonNode?> Leaf = Gen.OneOf(
        Gen.Constant<JsonNode?>(null),
        Gen.Elements(true, false).Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Choose(int.MinValue, int.MaxValue).Select(i => (JsonNode?)JsonValue.Create((long)i * 2048)),
        Text.Select(s => (JsonNode?)JsonValue.Create(s)));

    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(200);

    private static Gen<JsonNode?> Node(int size) => size <= 0
        ? Leaf
        : Gen.Frequency(
            (3, Leaf),
            (2, Members(size).Select(ToObject)),
            (1, Node(size / 3).ListOf(3).Select(items => (JsonNode?)new JsonArray([.. items]))));

    private static Gen<List<KeyValuePair<string, JsonNode?>>> Members(int size) =>
        Text.Zip(Node(size / 3)).ListOf(4)
            .Select(pairs => pairs.DistinctBy(p => p.Item1).Select(p => KeyValuePair.Create(p.Item1, p.Item2)).ToList());

    private static JsonNode? ToObject(IEnumerable<KeyValuePair<string, JsonNode?>> members) => new JsonObject(members);

    private static readonly Gen<JsonObject> Objects = Gen.Sized(size => Members(Math.Min(size, 30)).Select(m => (JsonObject)ToObject(m)!));

    [Fact]
    public void Serialise_parse_serialise_is_stable() =>
        Check.One(Quick, Prop.ForAll(Objects.ToArbitrary(), obj =>
        {
            var first = CanonicalJson.Serialize(obj);
            var reparsed = StrictJsonParser.Parse(first);
            return CanonicalJson.Serialize(reparsed).AsSpan().SequenceEqual(first)
                && JsonNode.DeepEquals(reparsed, obj);
        }));

    [Fact]
    public void Code_point_order_equals_utf8_byte_order() =>
        Check.One(Quick, Prop.ForAll(Text.Two().ToArbitrary(), pair =>
        {
            var (a, b) = pair;
            var expected = Math.Sign(Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b)));
            return Math.Sign(CodePointComparer.Instance.Compare(a, b)) == expected;
        }));

    [Fact]
    public void Member_order_does_not_change_the_bytes() =>
        Check.One(Quick, Prop.ForAll(Objects.ToArbitrary(), obj =>
        {
            var reversed = new JsonObject(obj.Reverse().Select(m => KeyValuePair.Create(m.Key, m.Value?.DeepClone())));
            return CanonicalJson.Serialize(reversed).AsSpan().SequenceEqual(CanonicalJson.Serialize(obj));
        }));

    [Fact]
    public void Keys_come_out_in_utf8_byte_order_and_output_has_no_whitespace() =>
        Check.One(Quick, Prop.ForAll(Objects.ToArbitrary(), obj =>
        {
            var bytes = CanonicalJson.Serialize(obj);
            var reader = new Utf8JsonReader(bytes);
            reader.Read();
            byte[]? previous = null;
            var ordered = true;
            while (reader.Read() && reader.CurrentDepth >= 1)
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    var key = Encoding.UTF8.GetBytes(reader.GetString()!);
                    ordered &= previous is null || previous.AsSpan().SequenceCompareTo(key) < 0;
                    previous = key;
                }

                reader.Skip();
            }

            // No generated piece contains a space, so any space would be insignificant whitespace.
            return ordered && !bytes.Contains((byte)' ');
        }));
}
