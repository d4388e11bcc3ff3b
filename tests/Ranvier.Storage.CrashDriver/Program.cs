using Ranvier.Storage.Sqlite;
using Ranvier.Storage.Testing;

// Crash driver for the storage crash-safety test: opens the store at args[0] and writes events forever from
// several concurrent writers (one room each, as per-room serialization prescribes), printing
// "room <room id>" once per writer and "ack <event id>" once each write's task has completed, i.e. once its transaction has committed.
// The test kills this process with SIGKILL and checks that every acknowledged event survived.
if (args.Length is < 1 or > 2)
{
    await Console.Error.WriteLineAsync("usage: Ranvier.Storage.CrashDriver <database path> [writers]");
    return 2;
}

var writers = args.Length == 2 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 4;
// Short state chains, so the few hundred events before the kill also roll over to fresh snapshots.
await using var store = await SqliteStore.OpenAsync(new SqliteStoreOptions(args[0]) { MaxStateChainLength = 4 });
var stdout = Console.Out;

async Task WriteForeverAsync(int writer)
{
    var room = new LinearRoom(store.Rooms, $"!crash{writer}:test");
    Print($"room {room.RoomId}");
    for (var i = 0; ; i++)
    {
        // Every third event changes state, so state groups, their rollover and current state are exercised.
        var (eventId, _) = i == 0 ? await room.SendAsync("m.room.create", "")
            : i % 3 == 0 ? await room.SendAsync("m.room.member", $"@user{i % 7}:test")
            : await room.SendAsync("m.room.message");
        Print($"ack {eventId}");
    }
}

void Print(string line)
{
    lock (stdout)
    {
        stdout.WriteLine(line);
        stdout.Flush();
    }
}

await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteForeverAsync(w))));
return 0;
