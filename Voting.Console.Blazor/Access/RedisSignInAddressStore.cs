using System.Globalization;
using StackExchange.Redis;
using Voting.Infrastructure.Redis;

namespace Voting.Console.Blazor.Access;

/// <summary>
/// The addresses each console account signed in from, in Redis: one hash per account (client address
/// → Unix seconds of its last sign-in), expiring <see cref="SignInThrottle.KnownAddressDays"/> after the
/// account's last sign-in. Operators' addresses only, never a voter's. Redis away: nothing more is
/// known than this console holds in memory, and nothing fails.
/// </summary>
public sealed partial class RedisSignInAddressStore(IConnectionMultiplexer redis, RedisOptions options, ILogger<RedisSignInAddressStore> logger) : ISignInAddressStore
{
    /// <summary>A sign-in does not wait longer than this for Redis.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    /// <summary>The first failure is logged, then at most one a minute (guesses keep asking while Redis is away).</summary>
    private readonly LogSampler failures = new(TimeSpan.FromMinutes(1));

    public async Task<DateTimeOffset?> SignedInAtAsync(string account, string client)
    {
        try
        {
            var at = await Observed(redis.GetDatabase().HashGetAsync(Key(account), client)).WaitAsync(Patience);
            return at.TryParse(out long seconds) && seconds > 0 && seconds < DateTimeOffset.MaxValue.ToUnixTimeSeconds()
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
        catch (Exception e) when (Unavailable(e))
        {
            Log(e);
            return null;
        }
    }

    public async Task RememberAsync(string account, string client, DateTimeOffset at)
    {
        try
        {
            var key = Key(account);
            var batch = redis.GetDatabase().CreateTransaction();
            _ = Observed(batch.HashSetAsync(key, client, at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
            _ = Observed(batch.KeyExpireAsync(key, TimeSpan.FromDays(SignInThrottle.KnownAddressDays)));
            await Observed(batch.ExecuteAsync()).WaitAsync(Patience);
        }
        catch (Exception e) when (Unavailable(e))
        {
            Log(e);
        }
    }

    // Redis refused, broke, hung or was closed under us at shutdown: nothing is known, nothing fails.
    private static bool Unavailable(Exception e) => RedisFailure.Is(e) || e is TimeoutException or ObjectDisposedException;

    /// <summary><paramref name="task"/>, its failure observed even when nobody waits for it any more (after <see cref="Patience"/>).</summary>
    private static Task<T> Observed<T>(Task<T> task)
    {
        _ = task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    private void Log(Exception e)
    {
        if (failures.ShouldLog())
        {
            LogUnavailable(logger, e.Message);
        }
    }

    /// <summary>The account's hash (the name as <see cref="SignInThrottle"/> keys it: upper case).</summary>
    public RedisKey Key(string account) => options.KeyPrefix + "console:sign-in-addresses:" + account;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The console's known sign-in addresses could not be read or written in Redis ({Reason}); until it answers, only the addresses this console has in memory are known to the per-account sign-in limit")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
