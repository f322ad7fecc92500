using StackExchange.Redis;

namespace Voting.Infrastructure.Redis;

/// <summary>
/// A Redis lock held for as long as its holder works on, however long that is: taken with
/// <c>SET NX PX</c> under a fresh token, renewed in the background every third of its lifetime by a
/// script that extends it only while it still holds this token, and released on dispose the same way.
/// <see cref="Lost"/> is cancelled as soon as the lock is found taken by someone else or gone, or when
/// no renewal has succeeded for a whole lifetime (Redis unreachable: it may have expired there), so the
/// holder stops rather than work on beside the next one.
/// </summary>
public sealed class RedisLease : IAsyncDisposable
{
    private const string RenewScript =
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";

    private const string ReleaseScript =
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    private readonly IDatabase database;
    private readonly string token;
    private readonly TimeSpan lifetime;
    private readonly TimeProvider clock;
    private readonly CancellationTokenSource lost = new();
    private readonly CancellationTokenSource stopRenewing = new();
    private readonly Task renewing;

    private RedisLease(IDatabase database, RedisKey key, string token, TimeSpan lifetime, TimeProvider clock)
    {
        this.database = database;
        Key = key;
        this.token = token;
        this.lifetime = lifetime;
        this.clock = clock;
        renewing = RenewAsync();
    }

    /// <summary>The lock's key.</summary>
    public RedisKey Key { get; }

    /// <summary>Cancelled once this holder can no longer be sure it holds the lock.</summary>
    public CancellationToken Lost => lost.Token;

    /// <summary>Takes the lock, or answers null when someone else holds it.</summary>
    public static async Task<RedisLease?> TryAcquireAsync(IDatabase database, RedisKey key, TimeSpan lifetime, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(lifetime, TimeSpan.FromMilliseconds(30));
        var token = Guid.NewGuid().ToString("N");
        return await database.StringSetAsync(key, token, lifetime, When.NotExists)
            ? new RedisLease(database, key, token, lifetime, clock)
            : null;
    }

    private async Task RenewAsync()
    {
        await Task.Yield();
        var lastRenewed = clock.GetTimestamp();
        using var timer = new PeriodicTimer(lifetime / 3, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stopRenewing.Token))
            {
                try
                {
                    var renewed = (long)await database.ScriptEvaluateAsync(
                        RenewScript, [Key], [token, (long)lifetime.TotalMilliseconds]);
                    if (renewed == 0)
                    {
                        await lost.CancelAsync(); // taken by another, or expired and gone
                        return;
                    }

                    lastRenewed = clock.GetTimestamp();
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    if (clock.GetElapsedTime(lastRenewed) >= lifetime)
                    {
                        await lost.CancelAsync(); // it may have expired on the server meanwhile
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopRenewing.IsCancellationRequested)
        {
        }
    }

    /// <summary>Stops renewing and deletes the lock if it still holds this lease's token.</summary>
    public async ValueTask DisposeAsync()
    {
        await stopRenewing.CancelAsync();
        await renewing;
        try
        {
            await database.ScriptEvaluateAsync(ReleaseScript, [Key], [token]);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Unreachable: the lock expires on its own within its lifetime.
        }
        finally
        {
            lost.Dispose();
            stopRenewing.Dispose();
        }
    }
}
