using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Voting.Console.Blazor.Access;

/// <summary>
/// Limits password guessing: past <see cref="ConsoleAccessOptions.FailedSignInsPerWindow"/> refused
/// sign-ins from one client address within the window, that address is not even checked until the
/// window ends (which also spares the server a password hash per guess). Successful sign-ins do not
/// count, so operators sharing one address are not locked out by each other.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> refusals;

    public SignInThrottle(IOptions<ConsoleAccessOptions> options)
    {
        var access = options.Value;
        refusals = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = access.FailedSignInsPerWindow,
            Window = TimeSpan.FromMinutes(access.FailedSignInWindowMinutes),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Whether <paramref name="client"/> may try to sign in now (asking counts nothing).</summary>
    public bool MayTry(string client)
    {
        using var lease = refusals.AttemptAcquire(client, 0);
        return lease.IsAcquired;
    }

    /// <summary>Counts a refused sign-in of <paramref name="client"/>.</summary>
    public void Refused(string client)
    {
        using var lease = refusals.AttemptAcquire(client, 1);
    }

    public void Dispose() => refusals.Dispose();
}
