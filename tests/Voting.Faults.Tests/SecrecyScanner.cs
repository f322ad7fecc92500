namespace Voting.Faults.Tests;

/// <summary>
/// Looks through stored records (rows, keys, log lines) for anything that ties a voter to a choice:
/// a raw voter id anywhere at all, or a voter's pseudonym in the same record as a choice (a candidate
/// name, a ballot id or a ballot hash — the last two lead to the ballot row and so to the candidate).
/// Base64 and base64url runs in a record (a bearer token's payload, a key written as base64) are
/// decoded and looked through too, as text and as hex.
/// </summary>
public sealed partial class SecrecyScanner(IEnumerable<string> rawVoterIds, IEnumerable<string> pseudonyms, IEnumerable<string> choices)
{
    private readonly string[] rawVoterIds = [.. rawVoterIds];
    private readonly string[] pseudonyms = [.. pseudonyms.Select(p => p.ToLowerInvariant())];
    private readonly string[] choices = [.. choices];

    public long RecordsScanned { get; private set; }

    /// <summary>One line per offending record: where it is and what it ties together.</summary>
    public List<string> Findings { get; } = [];

    public void Scan(string where, IEnumerable<string?> values)
    {
        RecordsScanned++;
        var text = string.Join(" | ", values.Where(v => v is not null));
        text += Decoded(text);
        var lower = text.ToLowerInvariant();
        var rawId = rawVoterIds.FirstOrDefault(id => text.Contains(id, StringComparison.Ordinal));
        if (rawId is not null)
        {
            Findings.Add($"{where}: raw voter id '{rawId}' stored: {Shorten(text)}");
            return;
        }

        var pseudonym = pseudonyms.FirstOrDefault(p => lower.Contains(p, StringComparison.Ordinal));
        if (pseudonym is null)
        {
            return;
        }

        var choice = choices.FirstOrDefault(c => lower.Contains(c.ToLowerInvariant(), StringComparison.Ordinal));
        if (choice is not null)
        {
            Findings.Add($"{where}: pseudonym {pseudonym[..12]}… beside choice '{Shorten(choice)}': {Shorten(text)}");
        }
    }

    /// <summary>Each base64 or base64url run of 16 characters or more, decoded, as UTF-8 text and as hex.</summary>
    private static string Decoded(string text)
    {
        var decoded = new System.Text.StringBuilder();
        foreach (System.Text.RegularExpressions.Match run in Base64Run().Matches(text))
        {
            var standard = run.Value.TrimEnd('=').Replace('-', '+').Replace('_', '/');
            standard = standard.PadRight(standard.Length + ((4 - (standard.Length % 4)) % 4), '=');
            var bytes = new byte[standard.Length];
            if (Convert.TryFromBase64String(standard, bytes, out var written))
            {
                decoded.Append(" | ").Append(System.Text.Encoding.UTF8.GetString(bytes, 0, written))
                    .Append(" | ").Append(Convert.ToHexStringLower(bytes, 0, written));
            }
        }

        return decoded.ToString();
    }

    [System.Text.RegularExpressions.GeneratedRegex("[A-Za-z0-9+/_-]{16,}={0,2}")]
    private static partial System.Text.RegularExpressions.Regex Base64Run();

    private static string Shorten(string text) => text.Length > 160 ? text[..160] + "…" : text;
}
