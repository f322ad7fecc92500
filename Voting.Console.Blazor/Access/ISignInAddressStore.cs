namespace Voting.Console.Blazor.Access;

/// <summary>
/// Where <see cref="SignInThrottle"/> keeps the addresses each account signed in from, so that a
/// restarted console still knows its users' usual addresses (otherwise, right after a restart, every
/// user would be on a new address, and guesses at an account could hold them all back).
/// </summary>
public interface ISignInAddressStore
{
    /// <summary>When <paramref name="account"/> last signed in from <paramref name="client"/>; null if never, or if it can't be told now.</summary>
    Task<DateTimeOffset?> SignedInAtAsync(string account, string client);

    /// <summary>Records a sign-in of <paramref name="account"/> from <paramref name="client"/> at <paramref name="at"/>; a failure is logged, never thrown.</summary>
    Task RememberAsync(string account, string client, DateTimeOffset at);
}
