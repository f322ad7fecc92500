using StackExchange.Redis;

namespace Voting.Infrastructure.Redis;

/// <summary>What counts as Redis being away: refused or broken (<see cref="RedisException"/>), or hung until the client's timeout.</summary>
public static class RedisFailure
{
    // RedisTimeoutException derives from TimeoutException, not RedisException.
    public static bool Is(Exception e) => e is RedisException or RedisTimeoutException;
}
