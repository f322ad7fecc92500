using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace Voting.Console.Blazor.Access;

/// <summary>
/// Checks an open page's sign-in every <see cref="ConsoleAccessOptions.RevalidateSeconds"/>: once its
/// session has ended (signed out in another tab), the circuit becomes anonymous and the page sends
/// the user to sign in. Without it a circuit kept the rights it started with for as long as it stayed open.
/// </summary>
public sealed class ConsoleSessionRevalidation(ILoggerFactory loggers, ConsoleSessions sessions, IOptions<ConsoleAccessOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(options.Value.RevalidateSeconds);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        Task.FromResult(sessions.IsCurrent(authenticationState.User));
}
