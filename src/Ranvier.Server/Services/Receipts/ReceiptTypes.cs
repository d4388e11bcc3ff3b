namespace Ranvier.Server.Services.Receipts;

/// <summary>The receipt types of the spec (client-server API, "Receipts" and "Read and unread markers").</summary>
public static class ReceiptTypes
{
    /// <summary>A public read-up-to receipt, shared with the room.</summary>
    public const string Read = "m.read";

    /// <summary>A read-up-to receipt that only its sender ever sees (spec: "Private read receipts").</summary>
    public const string ReadPrivate = "m.read.private";

    /// <summary>The fully read marker: accepted by the receipt endpoint, kept as room account data, never an m.receipt.</summary>
    public const string FullyRead = "m.fully_read";

    /// <summary>The thread ID of a threaded receipt for the main timeline (spec: "Threaded read receipts").</summary>
    public const string MainThread = "main";
}
