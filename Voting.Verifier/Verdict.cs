namespace Voting.Verifier;

/// <summary>The outcome of one verification and the reason, written as a single line.</summary>
/// <param name="Outcome">Valid, invalid, or could not be checked.</param>
/// <param name="Reason">What was established, or exactly why not.</param>
public sealed record Verdict(VerdictOutcome Outcome, string Reason)
{
    /// <summary>The process exit code: 0 valid, 1 invalid, 2 cannot check.</summary>
    public int ExitCode => (int)Outcome;

    /// <summary>The line to print: <c>VALID: …</c>, <c>INVALID: …</c> or <c>ERROR: …</c>.</summary>
    public string Line => Outcome switch
    {
        VerdictOutcome.Valid => "VALID: " + Reason,
        VerdictOutcome.Invalid => "INVALID: " + Reason,
        _ => "ERROR: " + Reason,
    };

    /// <summary>The proof holds.</summary>
    /// <param name="reason">What it proves.</param>
    /// <returns>A valid verdict.</returns>
    public static Verdict Valid(string reason) => new(VerdictOutcome.Valid, reason);

    /// <summary>The proof was checked and does not hold.</summary>
    /// <param name="reason">Exactly why.</param>
    /// <returns>An invalid verdict.</returns>
    public static Verdict Invalid(string reason) => new(VerdictOutcome.Invalid, reason);

    /// <summary>Nothing could be checked.</summary>
    /// <param name="reason">Why not.</param>
    /// <returns>A cannot-check verdict.</returns>
    public static Verdict CannotCheck(string reason) => new(VerdictOutcome.CannotCheck, reason);

    /// <inheritdoc />
    public override string ToString() => Line;
}
