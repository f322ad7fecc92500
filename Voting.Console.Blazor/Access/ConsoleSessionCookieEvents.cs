using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Voting.Console.Blazor.Access;

/// <summary>Refuses a sign-in cookie whose session has ended (<see cref="ConsoleSessions"/>) and clears it.</summary>
public sealed partial class ConsoleSessionCookieEvents(ConsoleSessions sessions, ILogger<ConsoleSessionCookieEvents> logger) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        if (!sessions.IsCurrent(context.Principal))
        {
            LogRefused(logger, context.Principal?.Identity?.Name ?? "");
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Console cookie of '{Name}' refused: its session was signed out, or the console restarted since")]
    private static partial void LogRefused(ILogger logger, string name);
}
