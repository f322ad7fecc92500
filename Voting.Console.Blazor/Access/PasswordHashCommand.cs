namespace Voting.Console.Blazor.Access;

/// <summary>
/// <c>Voting.Console.Blazor hash-password</c>: reads a password from standard input and prints the
/// hash to put in <c>Voting:Console:Access:Users:N:PasswordHash</c>.
/// </summary>
public static class PasswordHashCommand
{
    public const string Name = "hash-password";

    /// <param name="arguments">What follows the command: nothing (a password given here would show in the process list and the shell's history).</param>
    /// <param name="input">Where the password is read from.</param>
    /// <param name="output">Where the hash goes.</param>
    /// <param name="error">Where errors, and the prompt when <paramref name="interactive"/>, go.</param>
    /// <param name="interactive">Standard input is a terminal: say what is awaited instead of waiting silently.</param>
    public static int Run(IReadOnlyList<string> arguments, TextReader input, TextWriter output, TextWriter error, bool interactive)
    {
        if (arguments.Count > 0)
        {
            error.WriteLine("hash-password: takes no arguments; give the password on standard input (an argument shows in the process list)");
            return 2;
        }

        if (interactive)
        {
            error.Write("password (at least 8 characters), then Enter: ");
        }

        var password = input.ReadLine();
        if (string.IsNullOrEmpty(password) || password.Length < 8)
        {
            error.WriteLine("hash-password: give a password of at least 8 characters on standard input");
            return 2;
        }

        output.WriteLine(ConsoleUserDirectory.Hash(password));
        return 0;
    }
}
