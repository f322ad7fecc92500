namespace Voting.Infrastructure.Redis;

/// <summary>What the Redis gate says about a voter who wants to cast a ballot.</summary>
public enum VoterAdmission
{
    /// <summary>Certainly has not voted: the filter says no. The voter's lock is held.</summary>
    New,

    /// <summary>The filter says maybe and no accepted-marker exists: confirm against the database. The lock is held.</summary>
    MaybeVoted,

    /// <summary>An accepted-marker exists: the voter's ballot is already in the log. No lock is held.</summary>
    AlreadyVoted,

    /// <summary>Another request of this voter holds the lock. No lock is held.</summary>
    InProgress,

    /// <summary>The election's filter is missing (never built, or lost with Redis's data) and not yet rebuilt: nobody can be admitted safely. No lock is held.</summary>
    FilterRebuilding,

    /// <summary>The filter is being rebuilt, so it can't say "no" yet, and no accepted-marker exists: confirm against the database. The lock is held.</summary>
    Unverified,

    /// <summary>The voter has used up their attempts for the current window. No lock is held.</summary>
    RateLimited,
}
