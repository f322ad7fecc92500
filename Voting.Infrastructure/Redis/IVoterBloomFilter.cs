namespace Voting.Infrastructure.Redis;

/// <summary>
/// Fast negative answer to "has this pseudonym voted in this election?". "No" is certain; "maybe"
/// must be confirmed against the authoritative record before anyone is turned away.
/// </summary>
public interface IVoterBloomFilter
{
    /// <summary>Which implementation answers (<c>module</c> or <c>bitmap</c>), for operators.</summary>
    string Backend { get; }

    /// <summary>False when the pseudonym has certainly not been added.</summary>
    Task<bool> MightContainAsync(string electionId, byte[] pseudonym);

    /// <summary>Adds the pseudonym; returns whether it might have been present already.</summary>
    Task<bool> AddAsync(string electionId, byte[] pseudonym);
}
