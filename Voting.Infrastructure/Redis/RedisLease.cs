using StackExchange.Redis;

namespace Voting.Infrastructure.Redis;

/// <summary>
/// A Redis lock held for as long as its holder works on, however long that is: taken with
/// <c>SET NX PX</c> under a fresh token, renewed in the background every third of its lifetime by a
/// script that extends it only while it still holds this token, and released on dispose the same way.
/// <see cref="Lost"/> is cancelled as soon as the lock is found taken by someone else or gone, and in
/// any case a sixth of a lifetime before the lock would expire on the server counting from the last
/// renewal known to have reached it (Redis unreachable, or the renewal loop failing): the holder stops
/// before anyone else can take the lock, rather than work on beside the next holder.
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
    private readonly CancellationTokenSource lost;
    private readonly CancellationTokenSource stopRenewing = new();
    private readonly Task renewing;
    private int disposed;

    private RedisLease(IDatabase database, RedisKey key, string token, TimeSpan lifetime, TimeProvider clock, long requestedAt)
    {
        this.database = database;
        Key = key;
        this.token = token;
        this.lifetime = lifetime;
        this.clock = clock;
        lost = new CancellationTokenSource(Timeout.InfiniteTimeSpan, clock);
        Lost = lost.Token;
        LoseBy(requestedAt);
        renewing = RenewAsync();
    }

    /// <summary>The lock's key.</summary>
    public RedisKey Key { get; }

    /// <summary>Cancelled once this holder can no longer be sure it holds the lock (still usable after dispose).</summary>
    public CancellationToken Lost { get; }

    /// <summary>Takes the lock, or answers null when someone else holds it.</summary>
    public static async Task<RedisLease?> TryAcquireAsync(IDatabase database, RedisKey key, TimeSpan lifetime, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(lifetime, TimeSpan.FromMilliseconds(60));
        var token = Guid.NewGuid().ToString("N");
        var requestedAt = clock.GetTimestamp();
        return await database.StringSetAsync(key, token, lifetime, When.NotExists)
            ? new RedisLease(database, key, token, lifetime, clock, requestedAt)
            : null;
    }

    /// <summary>
    /// The lock set (or extended) by a request sent at <paramref name="sentAt"/> expires on the server no
    /// sooner than a lifetime after it: be lost a sixth of a lifetime before that.
    /// </summary>
    private void LoseBy(long sentAt)
    {
        var left = lifetime - (lifetime / 6) - clock.GetElapsedTime(sentAt);
        if (left <= TimeSpan.Zero)
        {
            lost.Cancel();
        }
        else
        {
            lost.CancelAfter(left);
        }
    }

    private async Task RenewAsync()
    {
        await Task.Yield();
        try
        {
            using var timer = new PeriodicTimer(lifetime / 3, clock);
            while (await timer.WaitForNextTickAsync(stopRenewing.Token) && !lost.IsCancellationRequested)
            {
                var sentAt = clock.GetTimestamp();
                try
                {
                    var renewed = (long)await database.ScriptEvaluateAsync(
                        RenewScript, [Key], [token, (long)lifetime.TotalMilliseconds]);
                    if (renewed == 0)
                    {
                        await lost.CancelAsync(); // taken by another, or expired and gone
                        return;
                    }

                    LoseBy(sentAt);
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    // Unreachable for now: the deadline set by the last renewal that got through stands.
                }
            }
        }
        catch (OperationCanceledException) when (stopRenewing.IsCancellationRequested)
        {
            // disposed
        }
        catch (Exception)
        {
            // Anything else (the connection disposed under it, say): renewals have stopped, so the lock
            // can no longer be counted on.
            await lost.CancelAsync();
        }
    }

    /// <summary>Stops renewing and deletes the lock if it still holds this lease's token. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await stopRenewing.CancelAsync();
        await renewing; // never faults: the loop ends on every exception
        try
        {
            await database.ScriptEvaluateAsync(ReleaseScript, [Key], [token]);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
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
