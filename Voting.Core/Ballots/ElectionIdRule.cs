using System.Buffers;

namespace Voting.Core.Ballots;

/// <summary>
/// What an election id may be: 1–<see cref="VoteMessageRules.MaxIdLength"/> ASCII letters, digits and
/// <c>. _ -</c>, not only dots. It names routes (<c>/elections/{id}</c>), Redis keys, log lines and the
/// chain's anchor key, so it can hold nothing that reads as something else: no separator, no control
/// or invisible character, no look-alike letter from another script.
/// </summary>
public static class ElectionIdRule
{
    private static readonly SearchValues<char> Allowed = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    /// <summary>The rule in words, for error messages.</summary>
    public static readonly string Description =
        $"1–{VoteMessageRules.MaxIdLength} characters, each an ASCII letter, a digit or one of . _ -, not only dots";

    /// <summary>Whether <paramref name="id"/> follows the rule (checked for every message the processor reads: one pass, no allocation).</summary>
    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= VoteMessageRules.MaxIdLength
        && id.AsSpan().IndexOfAnyExcept(Allowed) < 0 && id.AsSpan().IndexOfAnyExcept('.') >= 0;
}
