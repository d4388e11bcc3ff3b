using Ranvier.Protocol.Push;

namespace Ranvier.Protocol.Tests.Push;

/// <summary>Glob matching as push rules use it (spec: appendices "Glob-style matching", push "event_match").</summary>
public sealed class GlobTests
{
    [Theory]
    [InlineData("lunc?*", "Lunch plans", true)]
    [InlineData("lunc?*", "LUNCH", true)]
    [InlineData("lunc?*", " lunch", false)]
    [InlineData("lunc?*", "lunc", false)]
    [InlineData("m.notice", "m.notice", true)]
    [InlineData("m.notice", "m.notices", false)]
    [InlineData("", "", true)]
    [InlineData("", "x", false)]
    [InlineData("*", "", true)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYY", false)]
    [InlineData("??", "ab", true)]
    [InlineData("??", "abc", false)]
    public void Whole_value_matches_case_insensitively(string pattern, string value, bool expected) =>
        Glob.Compile(pattern).IsMatch(value).ShouldBe(expected);

    [Theory]
    [InlineData("ex*ple", "An example event.", true)]
    [InlineData("ex*ple", "exple", true)]
    [InlineData("ex*ple", "An exciting triple-whammy", true)]
    [InlineData("ex*ple", "Anexample event", false)]
    [InlineData("ex*ple", "examples", false)]
    [InlineData("cake", "I like CAKE!", true)]
    [InlineData("cake", "cupcake", false)]
    [InlineData("cake", "cake_shop", false)]
    [InlineData("@alice", "hi @alice, you there", true)]
    [InlineData("alice:", "alice: hello", true)]
    [InlineData("?ea", "tea time", true)]
    public void Body_matches_a_substring_between_word_boundaries(string pattern, string body, bool expected) =>
        Glob.Compile(pattern).MatchesWord(body).ShouldBe(expected);

    [Fact]
    public void A_literal_treats_glob_characters_as_plain_text()
    {
        Glob.Literal("Mr *").MatchesWord("hello Mr * how are you").ShouldBeTrue();
        Glob.Literal("Mr *").MatchesWord("hello Mr Smith").ShouldBeFalse();
    }

    [Fact]
    public void Literals_match_exactly_what_the_automaton_matches()
    {
        // Every literal up to 3 and every value up to 6 characters over an alphabet with word and non-word
        // characters and both cases: the literal fast path and the automaton agree on each.
        const string alphabet = "aB_ @";
        foreach (var literal in Strings(alphabet, 3))
        {
            var glob = Glob.Literal(literal);
            foreach (var value in Strings(alphabet, 5))
            {
                glob.MatchesWord(value).ShouldBe(glob.RunAutomaton(value, wordBounded: true), $"'{literal}' in '{value}'");
                glob.IsMatch(value).ShouldBe(glob.RunAutomaton(value, wordBounded: false), $"'{literal}' is '{value}'");
            }
        }

        static IEnumerable<string> Strings(string alphabet, int maxLength)
        {
            IEnumerable<string> level = [string.Empty];
            for (var length = 0; length <= maxLength; length++)
            {
                foreach (var s in level)
                {
                    yield return s;
                }

                level = [.. level.SelectMany(s => alphabet.Select(c => s + c))];
            }
        }
    }

    [Fact]
    public void A_hostile_pattern_runs_in_time_linear_in_the_value()
    {
        var pattern = Glob.Compile(string.Concat(Enumerable.Repeat("a*", 200)) + "b");
        var value = new string('a', 20_000);

        // A backtracking matcher takes astronomically long here; the automaton is done in one pass.
        pattern.IsMatch(value).ShouldBeFalse();
        pattern.MatchesWord(value).ShouldBeFalse();
    }
}
