using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Voting.Console.Blazor.Access;

/// <summary>
/// Limits password guessing two ways.
/// <list type="bullet">
/// <item>Per address: past <see cref="ConsoleAccessOptions.FailedSignInsPerWindow"/> refused sign-ins
/// from one client address within the window, that address is not even checked until the window ends
/// (which also spares the server a password hash per guess). Successful sign-ins do not count, so
/// operators sharing one address are not locked out by each other. One address's attempts are checked
/// one at a time (<see cref="TakeTurnAsync"/>), so attempts sent in parallel can't all pass the limit
/// before the first refusal is counted; an IPv6 client counts as its /64.</item>
/// <item>Per account: guesses at one account spread over many addresses stop at
/// <see cref="ConsoleAccessOptions.NewAddressSignInsPerAccount"/> per window. Only attempts from
/// addresses that have not signed in to the account within <see cref="KnownAddressDays"/> count, and
/// only they are held back: someone guessing can't lock the account's users out of it from where they
/// usually sign in. Each attempt is counted before its password is checked, so parallel ones can't
/// overrun the limit either.</item>
/// </list>
/// The counts are kept in memory (a restarted console starts counting afresh); the known addresses
/// also in an <see cref="ISignInAddressStore"/> (Redis), so a restarted console still knows them.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    /// <summary>Attempts of one address that may wait for their turn; more are refused as throttled.</summary>
    private const int WaitingTurns = 4;

    /// <summary>How long an address that signed in to an account stays exempt from that account's limit.</summary>
    public const int KnownAddressDays = 30;

    /// <summary>Longest account name kept as a key: longer names are counted by their start.</summary>
    private const int AccountKeyLength = 64;

    private readonly TimeProvider clock;
    private readonly ISignInAddressStore? store;
    private readonly PartitionedRateLimiter<string> refusals;
    private readonly PartitionedRateLimiter<string> accountAttempts;
    private readonly ConcurrentDictionary<(string Account, string Client), DateTimeOffset> knownAddresses = new();
    private readonly PartitionedRateLimiter<string> turns = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetConcurrencyLimiter(client, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = 1,
            QueueLimit = WaitingTurns,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        }));

    public SignInThrottle(IOptions<ConsoleAccessOptions> options, TimeProvider? clock = null, ISignInAddressStore? store = null)
    {
        this.clock = clock ?? TimeProvider.System;
        this.store = store;
        var access = options.Value;
        var window = TimeSpan.FromMinutes(access.FailedSignInWindowMinutes);
        refusals = FixedWindows(access.FailedSignInsPerWindow, window);
        accountAttempts = FixedWindows(access.NewAddressSignInsPerAccount, window);
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

    /// <summary>
    /// Whether a sign-in to <paramref name="account"/> from <paramref name="client"/> may be checked now.
    /// From an address the account signed in from lately: always, counting nothing. From any other:
    /// while the account's window has attempts left, and this one is counted.
    /// </summary>
    public async Task<bool> MayTryAccountAsync(string? account, string client)
    {
        var key = AccountKey(account);
        if (knownAddresses.TryGetValue((key, client), out var since) && IsRecent(since))
        {
            return true;
        }

        if (store is not null && await store.SignedInAtAsync(key, client) is { } stored && IsRecent(stored))
        {
            knownAddresses[(key, client)] = stored;
            return true;
        }

        using var lease = accountAttempts.AttemptAcquire(key, 1);
        return lease.IsAcquired;
    }

    /// <summary>
    /// Remembers that <paramref name="account"/> signed in from <paramref name="client"/>: it is exempt
    /// from the account's limit from now on. The task is the store's write, which never fails: a sign-in
    /// need not wait for it.
    /// </summary>
    public Task SignedInAsync(string account, string client)
    {
        var now = clock.GetUtcNow();
        var key = AccountKey(account);
        knownAddresses[(key, client)] = now;
        // Only successful sign-ins add entries, so this stays as small as the accounts' real addresses.
        foreach (var entry in knownAddresses)
        {
            if (!IsRecent(entry.Value))
            {
                knownAddresses.TryRemove(entry); // only if not refreshed meanwhile
            }
        }

        return store?.RememberAsync(key, client, now) ?? Task.CompletedTask;
    }

    private bool IsRecent(DateTimeOffset signedInAt) => clock.GetUtcNow() - signedInAt < TimeSpan.FromDays(KnownAddressDays);

    /// <summary>Account names are compared as the directory compares them (case-insensitively).</summary>
    private static string AccountKey(string? account)
    {
        var key = (account ?? "").ToUpperInvariant();
        return key.Length > AccountKeyLength ? key[..AccountKeyLength] : key;
    }

    private static PartitionedRateLimiter<string> FixedWindows(int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public void Dispose()
    {
        refusals.Dispose();
        accountAttempts.Dispose();
        turns.Dispose();
    }
}
