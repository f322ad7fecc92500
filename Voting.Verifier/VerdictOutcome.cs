namespace Voting.Verifier;

/// <summary>What a verification concluded; the numeric value is the process exit code.</summary>
public enum VerdictOutcome
{
    /// <summary>The proof checks out against the roots anchored on chain.</summary>
    Valid = 0,

    /// <summary>The check was made and failed: the proof does not hold against the chain.</summary>
    Invalid = 1,

    /// <summary>Nothing could be checked: bad arguments, an unreadable or malformed document, or an unreachable node.</summary>
    CannotCheck = 2,
}
