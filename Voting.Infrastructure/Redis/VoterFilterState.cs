namespace Voting.Infrastructure.Redis;

/// <summary>Whether an election's "already voted?" filter can be trusted.</summary>
public enum VoterFilterState
{
    /// <summary>Not built, or lost with Redis's data: no voter may be admitted until a rebuild has caught up.</summary>
    Missing,

    /// <summary>Being rebuilt: everything accepted before the loss is in the database, so every voter is checked there.</summary>
    Exact,

    /// <summary>Complete: its "no" is certain.</summary>
    Ready,
}
