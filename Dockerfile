# Build: docker build -t sipgw .    Run: docker run --network host sipgw
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline || true
COPY conf conf
COPY webroot webroot
COPY src src
RUN mvn -B -DskipTests package

FROM eclipse-temurin:17-jre
WORKDIR /opt/sipgw
COPY --from=build /src/target/sipgw.jar sipgw.jar
COPY --from=build /src/conf conf
EXPOSE 5060/udp 5060/tcp 8080/tcp
# GC settings measured in docs/performance.md: fixed heap, bindings promoted at their first young GC.
ENV JAVA_OPTS="-Xms2g -Xmx2g -XX:MaxTenuringThreshold=0 -XX:MaxGCPauseMillis=20 -XX:+AlwaysPreTouch"
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar sipgw.jar \"$@\"", "sipgw"]
