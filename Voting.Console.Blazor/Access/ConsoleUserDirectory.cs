using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Voting.Console.Blazor.Access;

/// <summary>Checks a name and password against the configured accounts and makes the signed-in principal.</summary>
public sealed class ConsoleUserDirectory(IOptions<ConsoleAccessOptions> options)
{
    private static readonly PasswordHasher<ConsoleUserOptions> Hasher = new();

    // A real hash to compare against when the name is unknown, so timing doesn't reveal which names exist.
    private static readonly string Decoy = Hasher.HashPassword(new ConsoleUserOptions(), Guid.NewGuid().ToString());

    /// <summary>The principal for these credentials, or null when they are wrong.</summary>
    public ClaimsPrincipal? SignIn(string? name, string? password)
    {
        var user = options.Value.Users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.OrdinalIgnoreCase));
        var result = Hasher.VerifyHashedPassword(user ?? new ConsoleUserOptions(), user?.PasswordHash ?? Decoy, password ?? "");
        if (user is null || result == PasswordVerificationResult.Failed)
        {
            return null;
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, user.Name) };
        claims.AddRange(user.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }

    /// <summary>A hash for <paramref name="password"/> to put in configuration.</summary>
    public static string Hash(string password) => Hasher.HashPassword(new ConsoleUserOptions(), password);
}
