using MySqlConnector;

namespace Voting.Infrastructure.Storage;

/// <summary>
/// A range of log positions handed to one appender, and the database session that holds it: the
/// session holds a named lock of the range from before the range is recorded until it is filled.
/// A lock ends with its session, so when an appender crashes its range is known abandoned at once
/// (<see cref="MerkleLogReservations.ReleaseAbandonedAsync(string, CancellationToken)"/>). Disposing gives the lock up and
/// closes the session: a range not filled by then is abandoned.
/// </summary>
public sealed class ReservedLeafRange : IAsyncDisposable
{
    internal ReservedLeafRange(LeafReservation reservation, string lockName, MySqlConnection connection)
    {
        Reservation = reservation;
        LockName = lockName;
        Connection = connection;
    }

    /// <summary>The positions.</summary>
    public LeafReservation Reservation { get; }

    /// <summary>The named lock the session holds (also recorded in the range's row).</summary>
    internal string LockName { get; }

    /// <summary>The session holding the lock; the range is filled in it.</summary>
    internal MySqlConnection Connection { get; }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var release = new MySqlCommand("DO RELEASE_LOCK(@n)", Connection);
            release.Parameters.AddWithValue("@n", LockName);
            await release.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is MySqlException or InvalidOperationException)
        {
            // The session is gone already, and its locks with it.
        }

        await Connection.DisposeAsync();
    }
}
