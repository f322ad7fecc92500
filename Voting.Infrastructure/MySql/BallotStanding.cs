namespace Voting.Infrastructure.MySql;

/// <summary>Where a ballot stands against the shards before its batch is written (<see cref="BallotStore.CheckAsync"/>).</summary>
public enum BallotStanding
{
    /// <summary>Its voter has no participation row: the ballot is to be stored.</summary>
    New,

    /// <summary>This very ballot is stored, with its leaf index: a redelivery that changes nothing.</summary>
    Stored,

    /// <summary>
    /// This very ballot is stored without a leaf index: written by a processor from before ballots
    /// were written with their positions, which stopped before the log append. It needs its place in
    /// the log and its index written into its row.
    /// </summary>
    StoredNotLogged,

    /// <summary>Its voter has voted with another ballot: not stored, counted as a duplicate attempt.</summary>
    SecondBallot,
}
