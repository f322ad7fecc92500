using System.Globalization;

namespace Voting.Core.Identity;

/// <summary>
/// What a voter id in a token must look like: one person's one id, in one form. The pseudonym is
/// keyed over the id's exact bytes, so two spellings of one person ("Ann@x", "ann@x ", the
/// decomposed and composed forms of an accented letter) would be two voters with a ballot each. The
/// election authority must issue canonical ids (case and Unicode normal form included: the services
/// run without ICU, so normal forms are not checked here); an id that is visibly not canonical
/// (surrounding white space, a control or invisible formatting character) is refused, never
/// normalised: normalising would make it someone else's id.
/// </summary>
public static class VoterIdRule
{
    /// <summary>The rule in words, for error messages.</summary>
    public const string Description = "no surrounding white space, no control or invisible characters";

    public static bool IsCanonical(string? voterId)
    {
        if (string.IsNullOrEmpty(voterId) || char.IsWhiteSpace(voterId[0]) || char.IsWhiteSpace(voterId[^1]))
        {
            return false;
        }

        foreach (var c in voterId)
        {
            if (char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format)
            {
                return false;
            }
        }

        return true;
    }
}
