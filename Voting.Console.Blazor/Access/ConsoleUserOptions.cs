using System.ComponentModel.DataAnnotations;

namespace Voting.Console.Blazor.Access;

/// <summary>One console account: a name, a password hash (never the password) and its roles.</summary>
public sealed class ConsoleUserOptions
{
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string Name { get; set; } = "";

    /// <summary>ASP.NET Core Identity password hash (PBKDF2); make one with <c>Voting.Console.Blazor hash-password</c>.</summary>
    [Required]
    public string PasswordHash { get; set; } = "";

    /// <summary>Any of official, operator, auditor.</summary>
    [MinLength(1)]
    public List<string> Roles { get; set; } = [];
}
