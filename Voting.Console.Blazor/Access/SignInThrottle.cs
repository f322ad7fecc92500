using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Voting.Console.Blazor.Access;

/// <summary>
/// Limits password guessing: past <see cref="ConsoleAccessOptions.FailedSignInsPerWindow"/> refused
/// sign-ins from one client address within the window, that address is not even checked until the
/// window ends (which also spares the server a password hash per guess). Successful sign-ins do not
/// count, so operators sharing one address are not locked out by each other. One address's attempts
/// are checked one at a time (<see cref="TakeTurnAsync"/>), so attempts sent in parallel can't all
/// pass the limit before the first refusal is counted; an IPv6 client counts as its /64.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    /// <summary>Attempts of one address that may wait for their turn; more are refused as throttled.</summary>
    private const int WaitingTurns = 4;

    private readonly PartitionedRateLimiter<string> refusals;
    private readonly PartitionedRateLimiter<string> turns = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetConcurrencyLimiter(client, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = 1,
            QueueLimit = WaitingTurns,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        }));

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

    /// <summary>
    /// The client's turn to have one sign-in checked, to dispose of once its refusal (if any) is counted;
    /// null when too many of its attempts are already waiting.
    /// </summary>
    public async Task<IDisposable?> TakeTurnAsync(string client)
    {
        var lease = await turns.AcquireAsync(client, 1);
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        return null;
    }

    /// <summary>The key a client's attempts are counted under: its IPv4 address, or its IPv6 /64 (<see cref="Voting.ServiceDefaults.ClientNetwork"/>).</summary>
    public static string ClientKey(System.Net.IPAddress? address) =>
        address is null ? "unknown" : Voting.ServiceDefaults.ClientNetwork.KeyOf(address).ToString();

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

    public void Dispose()
    {
        refusals.Dispose();
        turns.Dispose();
    }
}
