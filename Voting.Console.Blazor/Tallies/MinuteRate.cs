namespace Voting.Console.Blazor.Tallies;

/// <summary>Votes recorded in one UTC minute, and the average rate over it.</summary>
public sealed record MinuteRate(DateTime Minute, long Votes)
{
    public double VotesPerSecond => Votes / 60.0;
}
