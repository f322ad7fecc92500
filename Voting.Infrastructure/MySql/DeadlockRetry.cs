using MySqlConnector;

namespace Voting.Infrastructure.MySql;

/// <summary>
/// Runs a shard transaction again when InnoDB picked it as a deadlock victim. The server rolls the
/// victim back whole, so running it again is safe. Anything else, or a deadlock that keeps
/// recurring, goes to the caller.
/// </summary>
internal static class DeadlockRetry
{
    /// <summary>Tries of a transaction that InnoDB keeps choosing as a deadlock victim.</summary>
    public const int Attempts = 8;

    public static async Task<T> RunAsync<T>(Func<Task<T>> transaction, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await transaction();
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.LockDeadlock && attempt < Attempts)
            {
                await Task.Delay(Random.Shared.Next(5, 50) * attempt, cancellationToken);
            }
        }
    }
}
