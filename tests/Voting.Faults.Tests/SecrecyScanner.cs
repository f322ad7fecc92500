namespace Voting.Faults.Tests;

/// <summary>
/// Looks through stored records (rows, keys, log lines) for anything that ties a voter to a choice:
/// a raw voter id anywhere at all, or a voter's pseudonym in the same record as a choice (a candidate
/// name, a ballot id or a ballot hash — the last two lead to the ballot row and so to the candidate).
/// </summary>
public sealed class SecrecyScanner(IEnumerable<string> rawVoterIds, IEnumerable<string> pseudonyms, IEnumerable<string> choices)
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

    private static string Shorten(string text) => text.Length > 160 ? text[..160] + "…" : text;
}
