using System.ComponentModel.DataAnnotations;

namespace Voting.Console.Blazor.Access;

/// <summary>Console accounts. Section <c>Voting:Console:Access</c>.</summary>
public sealed class ConsoleAccessOptions : IValidatableObject
{
    public const string Section = "Voting:Console:Access";

    public List<ConsoleUserOptions> Users { get; set; } = [];

    /// <summary>How long a sign-in lasts without activity.</summary>
    [Range(1, 24 * 60)]
    public int SessionMinutes { get; set; } = 60;

    /// <summary>The longest a sign-in lasts, in use or not (an open page keeps it in use); then sign in again.</summary>
    [Range(1, 24 * 7)]
    public int MaxSessionHours { get; set; } = 12;

    /// <summary>How often an open page checks that its sign-in is still current (<see cref="ConsoleSessionRevalidation"/>).</summary>
    [Range(1, 3600)]
    public int RevalidateSeconds { get; set; } = 30;

    /// <summary>Refused sign-ins from one client address before it must wait (<see cref="SignInThrottle"/>).</summary>
    [Range(1, 1000)]
    public int FailedSignInsPerWindow { get; set; } = 10;

    /// <summary>
    /// Whether the session cookie is marked Secure whatever the request's scheme (the default: a proxy
    /// in front ends TLS). Off only where the console is reached over plain HTTP on this machine (the
    /// local stack), or browsers would not send it back.
    /// </summary>
    public bool SecureCookiesOnly { get; set; } = true;

    /// <summary>
    /// Sign-in attempts to one account name, right or wrong, from addresses it has not signed in from
    /// lately (<see cref="SignInThrottle.KnownAddressDays"/>), before that name must wait: guesses spread
    /// over many addresses stop at this many per window, while its users at their usual addresses are
    /// never held back by them. Counted the same for names that exist and names that don't.
    /// </summary>
    [Range(1, 10_000)]
    public int NewAddressSignInsPerAccount { get; set; } = 20;

    /// <summary>The window <see cref="FailedSignInsPerWindow"/> and <see cref="NewAddressSignInsPerAccount"/> count over.</summary>
    [Range(1, 24 * 60)]
    public int FailedSignInWindowMinutes { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var user in Users)
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(user, new ValidationContext(user), results, validateAllProperties: true))
            {
                foreach (var result in results)
                {
                    yield return new ValidationResult($"Console user '{user.Name}': {result.ErrorMessage}");
                }
            }

            foreach (var role in user.Roles.Where(r => !ConsoleRoles.All.Contains(r)))
            {
                yield return new ValidationResult($"Console user '{user.Name}' has unknown role '{role}'; roles are {string.Join(", ", ConsoleRoles.All)}.");
            }
        }

        foreach (var duplicate in Users.GroupBy(u => u.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult($"Console user '{duplicate.Key}' is defined more than once.");
        }
    }
}
