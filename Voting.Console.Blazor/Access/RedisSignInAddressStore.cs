using System.Globalization;
using StackExchange.Redis;
using Voting.Infrastructure.Redis;

namespace Voting.Console.Blazor.Access;

/// <summary>
/// The addresses each console account signed in from, in Redis: one hash per account (client address
/// → Unix seconds of its last sign-in), expiring <see cref="SignInThrottle.KnownAddressDays"/> after the
/// account's last sign-in. Operators' addresses only, never a voter's. Redis away: nothing is known
/// (the account's limit applies to every address) and nothing fails.
/// </summary>
public sealed partial class RedisSignInAddressStore(IConnectionMultiplexer redis, RedisOptions options, ILogger<RedisSignInAddressStore> logger) : ISignInAddressStore
{
    /// <summary>A sign-in does not wait longer than this for Redis.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    public async Task<DateTimeOffset?> SignedInAtAsync(string account, string client)
    {
        try
        {
            var at = await redis.GetDatabase().HashGetAsync(Key(account), client).WaitAsync(Patience);
            return at.TryParse(out long seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
        }
        catch (Exception e) when (RedisFailure.Is(e) || e is TimeoutException)
        {
            LogUnavailable(logger, e.Message);
            return null;
        }
    }

    public async Task RememberAsync(string account, string client, DateTimeOffset at)
    {
        try
        {
            var database = redis.GetDatabase();
            var key = Key(account);
            var batch = database.CreateTransaction();
            _ = batch.HashSetAsync(key, client, at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            _ = batch.KeyExpireAsync(key, TimeSpan.FromDays(SignInThrottle.KnownAddressDays));
            await batch.ExecuteAsync().WaitAsync(Patience);
        }
        catch (Exception e) when (RedisFailure.Is(e) || e is TimeoutException)
        {
            LogUnavailable(logger, e.Message);
        }
    }

    /// <summary>The account's hash (the name as <see cref="SignInThrottle"/> keys it: upper case).</summary>
    public RedisKey Key(string account) => options.KeyPrefix + "console:sign-in-addresses:" + account;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The console's known sign-in addresses could not be read or written in Redis ({Reason}); until it answers, every address counts as new for the per-account sign-in limit")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
