package dev.weft.docs.annotations;

import dev.weft.caching.Cached;
import reactor.core.publisher.Mono;

/** docs/annotations.md, "Reactive results". */
public class UserService {

    public record User(long id, String name) {
    }

    /** A reactive client. */
    public interface Directory {
        Mono<User> find(long id);
    }

    private final Directory directory;

    public UserService(Directory directory) {
        this.directory = directory;
    }

    @Cached(absoluteExpiration = "5m", dependsOn = "user:{id}")
    public Mono<User> user(long id) {
        return directory.find(id);           // a reactive client: nothing runs until someone subscribes
    }
}
