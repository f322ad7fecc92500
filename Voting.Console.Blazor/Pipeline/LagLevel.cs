namespace Voting.Console.Blazor.Pipeline;

/// <summary>How far behind a consumer is, against the configured thresholds.</summary>
public enum LagLevel
{
    Normal,
    Warning,
    Critical,
}
