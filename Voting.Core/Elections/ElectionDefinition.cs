namespace Voting.Core.Elections;

/// <summary>An election's ballot: when it is open and which candidates stand in each state.</summary>
public sealed class ElectionDefinition
{
    /// <summary>Stable id, e.g. <c>us-2028-general</c>; part of every pseudonym and ballot hash.</summary>
    public required string Id { get; init; }

    public string Name { get; init; } = "";

    /// <summary>First instant votes are accepted (UTC).</summary>
    public required DateTimeOffset OpensAt { get; init; }

    /// <summary>First instant votes are refused again (UTC).</summary>
    public required DateTimeOffset ClosesAt { get; init; }

    /// <summary>Candidates on every state's ballot unless the state has its own list.</summary>
    public IReadOnlyList<string> Candidates { get; init; } = [];

    /// <summary>States whose ballot differs from <see cref="Candidates"/> (write-in rules, ballot access).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> StateCandidates { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Registered voters per state, where configured (for turnout).</summary>
    public IReadOnlyDictionary<string, long> RegisteredVoters { get; init; } =
        new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The candidates on <paramref name="stateCode"/>'s ballot.</summary>
    public IReadOnlyList<string> CandidatesIn(string stateCode) =>
        StateCandidates.TryGetValue(stateCode, out var own) ? own : Candidates;

    public bool IsOpenAt(DateTimeOffset instant) => instant >= OpensAt && instant < ClosesAt;
}
