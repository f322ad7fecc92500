namespace Voting.Simulator;

/// <summary>What a simulated request carries, and so which answers are right for it.</summary>
public enum BallotKind
{
    /// <summary>A new voter's well-formed ballot: 202 (429 when throttled); 409 or a refusal is wrong.</summary>
    Valid,

    /// <summary>A new voter's malformed or invalid ballot: 400, 413 or 422; 202 is wrong.</summary>
    Malformed,

    /// <summary>A deliberate (well-formed) second ballot of a voter whose first was accepted: 409; 202 counts the voter twice.</summary>
    SecondAfterAccepted,

    /// <summary>A (well-formed) second ballot of a voter whose first was not accepted (refused, failed or unanswered): 202 or 409 are both right.</summary>
    Second,
}
